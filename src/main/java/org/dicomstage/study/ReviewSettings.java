package org.dicomstage.study;

import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Who reviews a study's staged copies: every member with the {@link Right#REVIEW} right, and, with four eyes on,
 * never the requester of the copy. Four eyes is a setting of the study, changed by its coordinators and admins and
 * audited.
 */
@Service
@Transactional(noRollbackFor = StudyAccessDenied.class)
public class ReviewSettings {

    /** A study's review setting as a member reads it. */
    public record Setting(String studyIdentifier, boolean fourEyes, List<String> reviewers) {
        public Setting {
            reviewers = List.copyOf(reviewers);
        }
    }

    private final StudyRepository studies;
    private final MembershipRepository memberships;
    private final StudyService audit;

    ReviewSettings(StudyRepository studies, MembershipRepository memberships, StudyService audit) {
        this.studies = studies;
        this.memberships = memberships;
        this.audit = audit;
    }

    /** Whether the study requires a reviewer other than the requester; false for a study that does not exist. */
    @Transactional(readOnly = true)
    public boolean fourEyes(String studyIdentifier) {
        return studies.findByIdentifier(studyIdentifier).map(Study::fourEyesReview).orElse(false);
    }

    /** Login names of the members with the review right, sorted. */
    @Transactional(readOnly = true)
    public List<String> reviewers(String studyIdentifier) {
        return memberships.findByStudy(studyIdentifier).stream().filter(m -> m.has(Right.REVIEW))
                .map(m -> m.user().username()).sorted().toList();
    }

    /**
     * Who the review of a copy requested by {@code requestedBy} is offered to: every reviewer, less the requester
     * under four eyes. For the workflow, which sets them as the review task's candidate users.
     */
    @Transactional(readOnly = true)
    public List<String> candidates(String studyIdentifier, String requestedBy) {
        boolean fourEyes = fourEyes(studyIdentifier);
        return reviewers(studyIdentifier).stream().filter(u -> !(fourEyes && u.equals(requestedBy))).toList();
    }

    /**
     * Who a review is offered to, with the four-eyes setting it was decided under: {@link #candidates} and
     * {@link #fourEyes} in one transaction, the study read once. Read at every call: the study's current setting
     * decides.
     */
    public record Offer(boolean fourEyes, List<String> candidates) {
        public Offer {
            candidates = List.copyOf(candidates);
        }
    }

    /** See {@link Offer}. */
    @Transactional(readOnly = true)
    public Offer offer(String studyIdentifier, String requestedBy) {
        boolean fourEyes = fourEyes(studyIdentifier);
        return new Offer(fourEyes, reviewers(studyIdentifier).stream()
                .filter(u -> !(fourEyes && u.equals(requestedBy))).toList());
    }

    /** The setting as any member of the study may read it. */
    public Setting setting(String username, String studyIdentifier) {
        member(username, studyIdentifier, "read review setting");
        return new Setting(studyIdentifier, fourEyes(studyIdentifier), reviewers(studyIdentifier));
    }

    /** Turns four eyes on or off: coordinators and admins of the study only; audited either way. */
    public Setting setFourEyes(String username, String studyIdentifier, boolean on) {
        Membership m = member(username, studyIdentifier, "change review setting");
        if (m.role() == Role.RESEARCHER) {
            audit.record(username, AuditActions.ACCESS_DENIED, studyIdentifier, null,
                    "change review setting: neither coordinator nor admin");
            throw new RoleRequired(username, studyIdentifier, "Only a coordinator or admin of "
                    + studyIdentifier + " may change who reviews.");
        }
        Study study = m.study();
        boolean before = study.fourEyesReview();
        study.fourEyesReview(on);
        audit.record(username, AuditActions.FOUR_EYES_CHANGED, studyIdentifier, null,
                "four eyes at review " + (on ? "on" : "off") + (before == on ? " (unchanged)" : ""));
        return new Setting(studyIdentifier, on, reviewers(studyIdentifier));
    }

    private Membership member(String username, String studyIdentifier, String what) {
        Optional<Membership> m = username == null ? Optional.empty() : memberships.find(username, studyIdentifier);
        if (m.isEmpty()) {
            audit.record(username == null ? "(anonymous)" : username, AuditActions.ACCESS_DENIED, studyIdentifier,
                    null, what + ": not a member");
            throw new StudyAccessDenied(username, studyIdentifier, "User '" + username + "' is not a member of study '"
                    + studyIdentifier + "'");
        }
        return m.get();
    }
}
