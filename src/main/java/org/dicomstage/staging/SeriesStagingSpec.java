package org.dicomstage.staging;

import java.util.Objects;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.pseudonym.PseudonymContext;
import org.dicomstage.pseudonym.PseudonymizationProfile;

/**
 * Everything needed to stage or verify one series: where it comes from, where it goes, and how it is
 * pseudonymized. The study secret travels inside {@link PseudonymContext}, which never prints it.
 *
 * @param source            the Study0 node
 * @param target            the study's project node
 * @param profile           the study's pseudonymization profile
 * @param context           study secret, study subject ID and clinical trial attributes
 * @param studyInstanceUID  the Study0 study holding the series
 * @param seriesInstanceUID the Study0 series to copy
 */
public record SeriesStagingSpec(
        DicomNode source,
        DicomNode target,
        PseudonymizationProfile profile,
        PseudonymContext context,
        String studyInstanceUID,
        String seriesInstanceUID) {

    public SeriesStagingSpec {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(studyInstanceUID, "studyInstanceUID");
        Objects.requireNonNull(seriesInstanceUID, "seriesInstanceUID");
    }
}
