package org.dicomstage.study;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.util.EnumSet;
import java.util.Set;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "membership")
class Membership {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "study_id")
    private Study study;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "username")
    private AppUser user;

    // VARCHAR rather than Hibernate's native enum type so that the same migration fits H2 and PostgreSQL.
    @Enumerated(EnumType.STRING)
    @JdbcTypeCode(SqlTypes.VARCHAR)
    @Column(name = "member_role", nullable = false)
    private Role role;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "membership_right", joinColumns = @JoinColumn(name = "membership_id"))
    @Enumerated(EnumType.STRING)
    @JdbcTypeCode(SqlTypes.VARCHAR)
    @Column(name = "right_name", nullable = false)
    private Set<Right> rights = EnumSet.noneOf(Right.class);

    protected Membership() {
    }

    Membership(Study study, AppUser user, Role role, Set<Right> rights) {
        this.study = study;
        this.user = user;
        this.role = role;
        this.rights = rights.isEmpty() ? EnumSet.noneOf(Right.class) : EnumSet.copyOf(rights);
    }

    Study study() {
        return study;
    }

    AppUser user() {
        return user;
    }

    Role role() {
        return role;
    }

    Set<Right> rights() {
        return Set.copyOf(rights);
    }

    boolean has(Right right) {
        return rights.contains(right);
    }

    @Override
    public String toString() {
        return "Membership[" + id + "]";
    }
}
