package org.dicomstage.web;

import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.StudyService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.csrf.CsrfException;

/**
 * Login and the coarse rules; per-study access is decided by StudyService on every call.
 *
 * <p>{@code dicomstage.security.mode=demo} (the default, for the embedded run) is form login with the accounts of
 * the study package and demo passwords ({@code dicomstage.security.demo-password}, or the username when unset).
 * {@code dicomstage.security.mode=oidc} replaces it with OpenID Connect (Keycloak), configured under
 * {@code spring.security.oauth2.client}; see {@code docs/web-ui.md}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class WebSecurity {

    private static final Logger log = LoggerFactory.getLogger(WebSecurity.class);

    static final String ADMIN = "ADMIN";
    static final String SIGNED_OUT = "SIGNED_OUT";
    static final String CONTENT_SECURITY_POLICY = contentSecurityPolicy(List.of());

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    @Bean
    Accounts accounts(JdbcTemplate jdbc, StudyService studies, PasswordEncoder encoder,
                      @Value("${dicomstage.security.demo-password:}") String demoPassword) {
        return new Accounts(jdbc, studies, encoder, new Accounts.DemoPasswords(demoPassword));
    }

    @Bean
    @ConditionalOnProperty(name = "dicomstage.security.mode", havingValue = "demo", matchIfMissing = true)
    LoginThrottle loginThrottle() {
        return new LoginThrottle(Clock.systemUTC());
    }

    @Bean
    @ConditionalOnProperty(name = "dicomstage.security.mode", havingValue = "demo", matchIfMissing = true)
    SecurityFilterChain demoLogin(HttpSecurity http, UserDetailsService accounts, StudyService studies,
                                  LoginThrottle throttle,
                                  @Value("${spring.datasource.url:}") String database,
                                  @Value("${dicomstage.security.demo-on-any-database:false}") boolean anyDatabase)
            throws Exception {
        requireEmbeddedDatabase(database, anyDatabase);
        log.warn("Form login with demo passwords (dicomstage.security.mode=demo): for the embedded run only, and "
                + "only from this machine (loopback); production sets dicomstage.security.mode=oidc");
        common(http, studies, CONTENT_SECURITY_POLICY);
        DemoLoginGuard guard = new DemoLoginGuard(throttle, studies);
        http.userDetailsService(accounts)
                .addFilterBefore(guard, UsernamePasswordAuthenticationFilter.class)
                .formLogin(form -> form.loginPage("/login").permitAll()
                        .successHandler(guard.successHandler()).failureHandler(guard.failureHandler()));
        return http.build();
    }

    @Bean
    @ConditionalOnProperty(name = "dicomstage.security.mode", havingValue = "oidc")
    SecurityFilterChain oidcLogin(HttpSecurity http, StudyService studies, Accounts accounts,
                                  ClientRegistrationRepository registrations,
                                  @Value("${dicomstage.security.end-session-uri:}") String endSessionUri)
            throws Exception {
        ProviderLogout providerLogout = new ProviderLogout(registrations, endSessionUri);
        // The sign-out form is answered with a redirect to the provider's end-session endpoint.
        common(http, studies, contentSecurityPolicy(providerLogout.origins()));
        DefaultOAuth2AuthorizationRequestResolver authorizationRequests = new DefaultOAuth2AuthorizationRequestResolver(
                registrations, OAuth2AuthorizationRequestRedirectFilter.DEFAULT_AUTHORIZATION_REQUEST_BASE_URI);
        // PKCE for our confidential client too (Spring adds it only for public ones): the realm requires it, and it
        // binds the authorization code to the browser session that asked for it.
        authorizationRequests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        SavedRequestAwareAuthenticationSuccessHandler afterSignIn = new SavedRequestAwareAuthenticationSuccessHandler();
        afterSignIn.setDefaultTargetUrl("/");
        http.oauth2Login(oauth -> oauth
                        .authorizationEndpoint(a -> a.authorizationRequestResolver(authorizationRequests))
                        .userInfoEndpoint(u -> u.oidcUserService(membershipRoles(accounts)))
                        // Audited as in demo mode: who signed in, and every sign-in the provider's answer failed.
                        .successHandler((request, response, authentication) -> {
                            studies.record(authentication.getName(), DemoLoginGuard.LOGIN_SUCCEEDED, null, null,
                                    "signed in through the provider from " + request.getRemoteAddr());
                            afterSignIn.onAuthenticationSuccess(request, response, authentication);
                        })
                        .failureHandler((request, response, failure) -> {
                            studies.record("(provider)", DemoLoginGuard.LOGIN_FAILED, null, null,
                                    "sign-in through the provider from " + request.getRemoteAddr() + " failed: "
                                            + shortened(failure.getMessage()));
                            response.sendRedirect("/login?error");
                        }))
                .logout(logout -> logout.logoutSuccessHandler(providerLogout.successHandler()));
        return http.build();
    }

    /** The provider's error, as much of it as an audit line should hold. */
    private static String shortened(String message) {
        String m = String.valueOf(message);
        return m.length() <= 200 ? m : m.substring(0, 200) + "…";
    }

    /**
     * Demo passwords on a real user table would let in anyone who knows a username: demo mode runs only on the
     * embedded database unless explicitly allowed.
     */
    static void requireEmbeddedDatabase(String jdbcUrl, boolean allowAnyDatabase) {
        if (!jdbcUrl.startsWith("jdbc:h2:") && !allowAnyDatabase) {
            throw new IllegalStateException("dicomstage.security.mode=demo (form login, demo passwords) is only for "
                    + "the embedded H2 database; set dicomstage.security.mode=oidc for " + jdbcUrl
                    + " (or dicomstage.security.demo-on-any-database=true for a throwaway test database)");
        }
    }

    /**
     * The identity provider says who the user is; our memberships say what they may do. The username is the
     * provider's {@code user-name-attribute} (preferred_username for Keycloak) and must equal the account name.
     */
    private static OAuth2UserService<OidcUserRequest, OidcUser> membershipRoles(Accounts accounts) {
        OidcUserService delegate = new OidcUserService();
        return request -> {
            OidcUser user = delegate.loadUser(request);
            String nameAttribute = request.getClientRegistration().getProviderDetails().getUserInfoEndpoint()
                    .getUserNameAttributeName();
            String key = nameAttribute == null || nameAttribute.isBlank() ? "sub" : nameAttribute;
            Collection<GrantedAuthority> authorities = new ArrayList<>(user.getAuthorities());
            authorities.addAll(accounts.authorities(String.valueOf(user.getAttributes().get(key))));
            return new DefaultOidcUser(authorities, user.getIdToken(), user.getUserInfo(), key);
        };
    }

    /** Only our own content; forms may also be answered with a redirect to {@code formTargets} (origins). */
    static String contentSecurityPolicy(List<String> formTargets) {
        List<String> formAction = new ArrayList<>(List.of("'self'"));
        formAction.addAll(formTargets);
        return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                + "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
                + "form-action " + String.join(" ", formAction) + "; base-uri 'self'; object-src 'none'";
    }

    private static void common(HttpSecurity http, StudyService studies, String contentSecurityPolicy)
            throws Exception {
        http.authorizeHttpRequests(auth -> auth
                        .requestMatchers("/login", "/error", "/vendor/**", "/app.css", "/favicon.ico").permitAll()
                        // Container and load-balancer probes: status only; details are for admins
                        // (management.endpoint.health.roles), as are metrics and Prometheus.
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/modeler.html", "/api/admin/**", "/actuator/**").hasRole(ADMIN)
                        .anyRequest().authenticated())
                // CSRF stays on (the default); the pages send the token from /api/me in the X-CSRF-TOKEN header.
                .exceptionHandling(e -> e.accessDeniedHandler(auditedDenial(studies)))
                // The pages load nothing from elsewhere; the policy makes the browser enforce it. Inline styles
                // stay allowed: form-js and bpmn-js set style attributes.
                .headers(h -> h.contentSecurityPolicy(csp -> csp.policyDirectives(contentSecurityPolicy)))
                .logout(logout -> logout.logoutSuccessUrl(ProviderLogout.SIGNED_OUT)
                        .addLogoutHandler((request, response, authentication) -> {
                            if (authentication != null) {
                                studies.record(authentication.getName(), SIGNED_OUT, null, null,
                                        "signed out from " + request.getRemoteAddr());
                            }
                        }));
    }

    /**
     * A refused page or API call is an access attempt worth an audit event, as StudyService audits its own. The
     * error page says why in words ({@link ErrorPages}).
     */
    private static AccessDeniedHandler auditedDenial(StudyService studies) {
        return (request, response, denied) -> {
            // From the security context: the CSRF check runs before the request is wrapped to know its principal.
            Authentication who = SecurityContextHolder.getContext().getAuthentication();
            String user = who == null || !who.isAuthenticated() ? "(anonymous)" : who.getName();
            studies.record(user, AuditActions.ACCESS_DENIED, null, null,
                    request.getMethod() + " " + request.getRequestURI() + ": " + denied.getMessage());
            request.setAttribute(ErrorPages.REASON, denied instanceof CsrfException
                    ? "This page is out of date or your session has ended: reload it and try again."
                    : "This is for administrators, and " + user + " is not one.");
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
        };
    }

    static List<String> roles(Collection<? extends GrantedAuthority> authorities) {
        return authorities.stream().map(GrantedAuthority::getAuthority).filter(a -> a.startsWith("ROLE_"))
                .map(a -> a.substring(5)).toList();
    }
}
