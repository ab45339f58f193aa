package org.dicomstage.study;

/** The study exists and the user may see it, but it has no DICOM data to work with. */
public class DicomNotEnabled extends RuntimeException {

    private final String studyIdentifier;

    public DicomNotEnabled(String studyIdentifier) {
        super("Study '" + studyIdentifier + "' is not DICOM-enabled");
        this.studyIdentifier = studyIdentifier;
    }

    public String studyIdentifier() {
        return studyIdentifier;
    }
}
