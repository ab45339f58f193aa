package org.dicomstage.study;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "study")
class Study {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true)
    private String identifier;

    @Column(nullable = false)
    private String name;

    @Column(name = "protocol_id")
    private String protocolId;

    @Column(name = "protocol_name")
    private String protocolName;

    private String sponsor;

    @Column(name = "profile_name")
    private String profileName;

    @Column(name = "secret_reference")
    private String secretReference;

    @Column(name = "archive_node")
    private String archiveNode;

    @Column(name = "dicom_enabled", nullable = false)
    private boolean dicomEnabled;

    @Column(name = "source_archive", nullable = false)
    private boolean sourceArchive;

    @Column(name = "four_eyes_review", nullable = false)
    private boolean fourEyesReview;

    protected Study() {
    }

    Study(String identifier, String name) {
        this.identifier = identifier;
        this.name = name;
    }

    Study protocol(String protocolId, String protocolName, String sponsor) {
        this.protocolId = protocolId;
        this.protocolName = protocolName;
        this.sponsor = sponsor;
        return this;
    }

    Study pseudonymization(String profileName, String secretReference) {
        this.profileName = profileName;
        this.secretReference = secretReference;
        return this;
    }

    Study archive(String archiveNode, boolean dicomEnabled, boolean sourceArchive) {
        this.archiveNode = archiveNode;
        this.dicomEnabled = dicomEnabled;
        this.sourceArchive = sourceArchive;
        return this;
    }

    Long id() {
        return id;
    }

    String identifier() {
        return identifier;
    }

    String name() {
        return name;
    }

    String protocolId() {
        return protocolId;
    }

    String protocolName() {
        return protocolName;
    }

    String sponsor() {
        return sponsor;
    }

    String profileName() {
        return profileName;
    }

    String secretReference() {
        return secretReference;
    }

    String archiveNode() {
        return archiveNode;
    }

    boolean dicomEnabled() {
        return dicomEnabled;
    }

    boolean sourceArchive() {
        return sourceArchive;
    }

    /** Whether the reviewer of a staged copy must be someone other than its requester. */
    boolean fourEyesReview() {
        return fourEyesReview;
    }

    void fourEyesReview(boolean on) {
        this.fourEyesReview = on;
    }

    // Deliberately without the secret reference: entities end up in logs and exception messages.
    @Override
    public String toString() {
        return "Study[" + identifier + "]";
    }
}
