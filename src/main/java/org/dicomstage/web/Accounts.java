package org.dicomstage.web;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.dicomstage.study.StudyService;
import org.dicomstage.study.StudySummary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The application's users as Spring Security sees them: the accounts of the study package, with roles taken from
 * their memberships (ROLE_RESEARCHER, ROLE_COORDINATOR, ROLE_ADMIN: the union over all their studies).
 *
 * <p>StudyService has no public "does this user exist" yet, and the outsider has no membership to find them by,
 * so the account row is read here with one read-only query on {@code app_user}. When StudyService gains a user
 * lookup, that replaces {@link #displayName(String)}'s query.
 */
final class Accounts implements UserDetailsService {

    private final JdbcTemplate jdbc;
    private final StudyService studies;
    private final PasswordEncoder encoder;
    private final DemoPasswords passwords;
    /** BCrypt is slow on purpose; hash each demo password once, not on every login. */
    private final ConcurrentMap<String, String> hashes = new ConcurrentHashMap<>();

    Accounts(JdbcTemplate jdbc, StudyService studies, PasswordEncoder encoder, DemoPasswords passwords) {
        this.jdbc = jdbc;
        this.studies = studies;
        this.encoder = encoder;
        this.passwords = passwords;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        if (displayName(username).isEmpty()) {
            throw new UsernameNotFoundException("no such user");
        }
        String hash = hashes.computeIfAbsent(username, u -> encoder.encode(passwords.passwordOf(u)));
        return User.withUsername(username).password(hash).authorities(authorities(username)).build();
    }

    Optional<String> displayName(String username) {
        List<String> names = jdbc.queryForList("SELECT display_name FROM app_user WHERE username = ?", String.class,
                username);
        return names.stream().findFirst();
    }

    /** Roles from memberships, so a coordinator of any study sees the process view (filtered to their studies). */
    List<GrantedAuthority> authorities(String username) {
        Set<String> roles = new TreeSet<>();
        roles.add("ROLE_USER");
        for (StudySummary study : studies.studiesOf(username)) {
            roles.add("ROLE_" + study.role().name());
        }
        return roles.stream().<GrantedAuthority>map(SimpleGrantedAuthority::new).toList();
    }

    /** Demo passwords of the embedded defaults: one shared password if configured, else the username. */
    record DemoPasswords(String shared) {
        String passwordOf(String username) {
            return shared == null || shared.isBlank() ? username : shared;
        }
    }
}
