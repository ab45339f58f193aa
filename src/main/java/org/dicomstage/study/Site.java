package org.dicomstage.study;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "site")
class Site {

    @Id
    private String id;

    @Column(nullable = false)
    private String name;

    protected Site() {
    }

    Site(String id, String name) {
        this.id = id;
        this.name = name;
    }

    String id() {
        return id;
    }

    String name() {
        return name;
    }

    @Override
    public String toString() {
        return "Site[" + id + "]";
    }
}
