package org.dicomstage.pseudonym;

import com.pixelmed.dicom.AttributeList;

import java.util.Set;

/**
 * Hands each dataset the {@link FreeTextCleaner} for the people and records it names ({@link ObjectIdentifiers}),
 * and says which kept values are text it must pass through. Shared by all files of a pseudonymizer; thread-safe.
 */
final class TextCleaner {

    /**
     * Coded values: they name a concept in a coding scheme, never a person, and rewriting one breaks the code
     * ("TEST" as a scheme designator is not the patient Test). Their meanings are text and still checked.
     */
    private static final Set<String> CODED = Set.of("CodeValue", "LongCodeValue", "URNCodeValue",
            "CodingSchemeDesignator", "CodingSchemeVersion", "CodingSchemeRegistry", "CodingSchemeExternalID",
            "ContextIdentifier", "ContextGroupVersion", "ContextGroupExtensionCreatorUID", "MappingResource",
            "MappingResourceVersion", "ValueType", "RelationshipType");

    /** Compiling a dataset's names into patterns costs more than the rest of its header: once per set of names. */
    private volatile Compiled last;

    private record Compiled(ObjectIdentifiers identifiers, FreeTextCleaner cleaner) {
    }

    FreeTextCleaner forDataset(AttributeList source) {
        ObjectIdentifiers identifiers = ObjectIdentifiers.of(source);
        Compiled cached = last;
        if (cached != null && cached.identifiers().equals(identifiers)) {
            return cached.cleaner();
        }
        FreeTextCleaner cleaner = FreeTextCleaner.of(identifiers);
        last = new Compiled(identifiers, cleaner);
        return cleaner;
    }

    /** Free text of any kind; CS and the other VRs hold codes, numbers or dates, never prose. */
    static boolean isText(String vr) {
        return switch (vr) {
            case "LO", "LT", "PN", "SH", "ST", "UC", "UT" -> true;
            default -> false;
        };
    }

    static boolean isCoded(String keyword) {
        return CODED.contains(keyword);
    }
}
