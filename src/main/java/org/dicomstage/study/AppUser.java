package org.dicomstage.study;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

@Entity
@Table(name = "app_user")
class AppUser {

    @Id
    private String username;

    @Column(name = "display_name", nullable = false)
    private String displayName;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "site_id")
    private Site site;

    protected AppUser() {
    }

    AppUser(String username, String displayName, Site site) {
        this.username = username;
        this.displayName = displayName;
        this.site = site;
    }

    String username() {
        return username;
    }

    String displayName() {
        return displayName;
    }

    Site site() {
        return site;
    }

    @Override
    public String toString() {
        return "AppUser[" + username + "]";
    }
}
