package org.dicomstage.staging;

/**
 * Whether a Study0 study has a complete project-specific copy: No, Partial (n of m series) or Yes.
 * A series counts as staged only when the project node holds all its instances.
 */
public record StagedStatus(State state, int stagedSeries, int totalSeries) {

    public enum State { NO, PARTIAL, YES }

    static StagedStatus of(int stagedSeries, int totalSeries) {
        State state = stagedSeries == 0 ? State.NO : stagedSeries >= totalSeries ? State.YES : State.PARTIAL;
        return new StagedStatus(state, stagedSeries, totalSeries);
    }

    /** "No", "Partial (2 of 5)" or "Yes", as the Project column shows it. */
    public String label() {
        return switch (state) {
            case NO -> "No";
            case YES -> "Yes";
            case PARTIAL -> "Partial (" + stagedSeries + " of " + totalSeries + ")";
        };
    }
}
