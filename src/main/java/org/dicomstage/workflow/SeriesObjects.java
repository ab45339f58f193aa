package org.dicomstage.workflow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "series object" of {@link ProcessDefinition.Variables}: the keys, and typed reads of a map that came back
 * from the engine (numbers arrive as Integer or Long, lists as lists of maps).
 */
final class SeriesObjects {

    static final String SERIES_UID = "seriesInstanceUid";
    static final String STUDY_UID = "studyInstanceUid";
    static final String STUDY_SUBJECT_ID = "studySubjectId";
    static final String MODALITY = "modality";
    static final String DESCRIPTION = "seriesDescription";
    static final String SERIES_NUMBER = "seriesNumber";
    static final String INSTANCE_COUNT = "instanceCount";
    static final String STUDY_DATE = "studyDate";
    static final String STUDY_DESCRIPTION = "studyDescription";
    /** Which staging request (study package) the series belongs to; the workers check it against the study. */
    static final String STAGING_REQUEST_ID = "stagingRequestId";
    /** The series' own status in the project, in words: "Yes, 2026-03-02 (request #4)", "No; being staged ...". */
    static final String IN_PROJECT = "inProject";
    /** True when an accepted request copied the series already: picking it again stages the same UIDs again. */
    static final String ALREADY_IN_PROJECT = "alreadyInProject";
    static final String ADDED_BECAUSE = "addedBecause";
    static final String APPROVAL_STATUS = "approvalStatus";

    private SeriesObjects() {
    }

    static String string(Map<String, Object> series, String key) {
        Object value = series.get(key);
        return value == null ? null : value.toString();
    }

    static String uid(Map<String, Object> series) {
        return string(series, SERIES_UID);
    }

    static int integer(Map<String, Object> series, String key) {
        Object value = series.get(key);
        if (value instanceof Number n) {
            return n.intValue();
        }
        return value == null || value.toString().isBlank() ? 0 : Integer.parseInt(value.toString().trim());
    }

    static long requestId(Map<String, Object> series) {
        Object value = series.get(STAGING_REQUEST_ID);
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value == null) {
            throw new IllegalArgumentException("series " + uid(series) + " carries no " + STAGING_REQUEST_ID);
        }
        return Long.parseLong(value.toString());
    }

    /** A short human name: "CT 'Planning CT'". */
    static String label(Map<String, Object> series) {
        String description = string(series, DESCRIPTION);
        return string(series, MODALITY) + (description == null || description.isBlank() ? "" : " '" + description + "'");
    }

    /** A series object for a registered row of a request, as the workers' variables would carry it. */
    static Map<String, Object> reference(org.dicomstage.study.StagingSeriesView row, long requestId) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put(SERIES_UID, row.seriesInstanceUid());
        o.put(STUDY_UID, row.studyInstanceUid());
        o.put(MODALITY, row.modality());
        o.put(DESCRIPTION, row.description());
        o.put(STAGING_REQUEST_ID, requestId);
        return o;
    }

    static Map<String, Object> copy(Map<String, Object> series) {
        return new LinkedHashMap<>(series);
    }

    static Map<String, Object> option(String value, String label) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("label", label);
        option.put("value", value);
        return option;
    }

    static List<String> uids(List<Map<String, Object>> series) {
        return series.stream().map(SeriesObjects::uid).toList();
    }
}
