package org.dicomstage.study;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A person, known only by the platform pseudonym (PID), which is the PatientID in Study0. */
@Entity
@Table(name = "subject")
class Subject {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true)
    private String pid;

    protected Subject() {
    }

    Subject(String pid) {
        this.pid = pid;
    }

    Long id() {
        return id;
    }

    String pid() {
        return pid;
    }

    @Override
    public String toString() {
        return "Subject[" + pid + "]";
    }
}
