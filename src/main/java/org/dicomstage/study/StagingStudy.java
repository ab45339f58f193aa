package org.dicomstage.study;

/**
 * Everything a staging job reads about its study, read in one transaction ({@link StudyService#stagingStudy}): the
 * study with the subject's enrolment, Study0 (the source) and the study's secret. A job used to read them in three
 * transactions and four queries per series.
 *
 * <p>The secret's bytes never show: {@link #toString()} leaves them out, as {@link StudyDetails} does its reference.
 *
 * @param study  the project study, with the enrolment of the subject asked for
 * @param source Study0, the archive every staging copies from
 * @param secret the study's pseudonymization secret, resolved from its reference
 */
public record StagingStudy(StudyDetails study, StudyDetails source, byte[] secret) {

    @Override
    public String toString() {
        return "StagingStudy[study=" + study + ", source=" + source + ", secret=(not shown)]";
    }
}
