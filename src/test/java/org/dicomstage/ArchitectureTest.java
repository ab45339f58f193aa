package org.dicomstage;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.dicomstage.dicom.DicomNode;
import org.junit.jupiter.api.Test;

/**
 * The borders the README's package table promises: {@code pseudonym} and {@code rt} are pure (no Spring, no other
 * feature package, only {@code dicom}'s value types), {@code dicom} uses no feature package, and the feature
 * packages form no cycle.
 */
class ArchitectureTest {

    private static final String[] FEATURES_BUT_DICOM = {"org.dicomstage.pseudonym..", "org.dicomstage.rt..",
            "org.dicomstage.staging..", "org.dicomstage.study..", "org.dicomstage.workflow..", "org.dicomstage.web..",
            "org.dicomstage.config.."};

    /** Imported once for all rules: an import resolves every dependency and takes many seconds. */
    private static final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.dicomstage");

    /**
     * A value type of {@code dicom}: a class that neither is a node nor touches Spring or the network. Records,
     * tags and the pixel-digest and splicing helpers are; the DIMSE, DICOMweb and embedded nodes are not.
     */
    private static final DescribedPredicate<JavaClass> DICOM_VALUE_TYPE = DescribedPredicate.describe(
            "a value type of org.dicomstage.dicom (no node, no Spring, no network)",
            c -> c.getPackageName().equals("org.dicomstage.dicom") && !c.isAssignableTo(DicomNode.class)
                    && c.getDirectDependenciesFromSelf().stream().map(Dependency::getTargetClass)
                            .noneMatch(t -> t.getPackageName().startsWith("org.springframework")
                                    || t.getPackageName().startsWith("com.pixelmed.network")
                                    || t.getPackageName().startsWith("java.net")
                                    || t.getPackageName().startsWith("javax.net")));

    @Test
    void pseudonymAndRtUseNoSpring() {
        noClasses().that().resideInAnyPackage("org.dicomstage.pseudonym..", "org.dicomstage.rt..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                .check(classes);
    }

    @Test
    void pseudonymUsesNoOtherFeaturePackageButDicomValueTypes() {
        noClasses().that().resideInAPackage("org.dicomstage.pseudonym..")
                .should().dependOnClassesThat(otherFeatureThan("org.dicomstage.pseudonym.."))
                .check(classes);
    }

    @Test
    void rtUsesNoOtherFeaturePackageButDicomValueTypes() {
        noClasses().that().resideInAPackage("org.dicomstage.rt..")
                .should().dependOnClassesThat(otherFeatureThan("org.dicomstage.rt.."))
                .check(classes);
    }

    @Test
    void dicomUsesNoFeaturePackage() {
        noClasses().that().resideInAPackage("org.dicomstage.dicom..")
                .should().dependOnClassesThat().resideInAnyPackage(FEATURES_BUT_DICOM)
                .check(classes);
    }

    @Test
    void featurePackagesFormNoCycle() {
        slices().matching("org.dicomstage.(*)..").should().beFreeOfCycles().check(classes);
    }

    private static DescribedPredicate<JavaClass> otherFeatureThan(String own) {
        DescribedPredicate<JavaClass> otherFeature = resideInAnyPackage(FEATURES_BUT_DICOM)
                .and(DescribedPredicate.not(resideInAPackage(own)));
        DescribedPredicate<JavaClass> dicomButNoValueType = resideInAPackage("org.dicomstage.dicom..")
                .and(DescribedPredicate.not(DICOM_VALUE_TYPE));
        return otherFeature.or(dicomButNoValueType).as("belong to another feature package, or to dicom but"
                + " are no value type");
    }
}
