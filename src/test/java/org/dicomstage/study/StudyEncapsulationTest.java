package org.dicomstage.study;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.persistence.Entity;
import org.junit.jupiter.api.Test;
import org.springframework.data.repository.Repository;

/** Other packages see StudyService and its records only; entities and repositories stay inside. */
class StudyEncapsulationTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.dicomstage");

    @Test
    void entitiesAndRepositoriesArePackagePrivate() {
        classes().that().areAnnotatedWith(Entity.class).and().resideInAPackage("org.dicomstage.study")
                .should().notHaveModifier(JavaModifier.PUBLIC).check(classes);
        classes().that().areAssignableTo(Repository.class).and().resideInAPackage("org.dicomstage.study")
                .should().notHaveModifier(JavaModifier.PUBLIC).check(classes);
    }

    @Test
    void noOtherPackageUsesPersistenceTypesOfThisOne() {
        DescribedPredicate<JavaClass> persistenceOfStudy = resideInAPackage("org.dicomstage.study")
                .and(annotatedWith(Entity.class).or(assignableTo(Repository.class)))
                .as("entities or repositories of org.dicomstage.study");
        noClasses().that().resideOutsideOfPackage("org.dicomstage.study")
                .should().dependOnClassesThat(persistenceOfStudy)
                .allowEmptyShould(true)
                .check(classes);
    }
}
