package org.dicomstage.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.dicomstage.study.StudyService;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What stands before the demo form login: its passwords are public (the user name), so a sign-in is taken only from
 * this machine (loopback), and failures are throttled per account and address ({@link LoginThrottle}). Every
 * refusal and failure is audited under the account name that was tried.
 */
final class DemoLoginGuard extends OncePerRequestFilter {

    static final String LOGIN_FAILED = "LOGIN_FAILED";
    static final String LOGIN_THROTTLED = "LOGIN_THROTTLED";
    static final String LOGIN_NOT_LOOPBACK = "LOGIN_NOT_LOOPBACK";
    static final String LOGIN_SUCCEEDED = "LOGIN_SUCCEEDED";
    /** The audit's user name column; a longer "name" is an attack, not an account. */
    private static final int MAX_USERNAME = 100;

    private final LoginThrottle throttle;
    private final StudyService studies;

    DemoLoginGuard(LoginThrottle throttle, StudyService studies) {
        this.throttle = throttle;
        this.studies = studies;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !("POST".equals(request.getMethod()) && "/login".equals(path));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String account = account(request);
        String address = request.getRemoteAddr();
        if (!isLoopback(address)) {
            studies.record(account, LOGIN_NOT_LOOPBACK, null, null, "sign-in from " + address + " refused");
            response.sendRedirect("/login?remote");
            return;
        }
        Duration wait = throttle.wait(account, address);
        if (!wait.isZero()) {
            throttle.failed(account, address);
            studies.record(account, LOGIN_THROTTLED, null, null, "sign-in from " + address
                    + " refused, " + wait.toSeconds() + " s to wait");
            response.sendRedirect("/login?wait=" + Math.max(1, (wait.toMillis() + 999) / 1000));
            return;
        }
        chain.doFilter(request, response);
    }

    AuthenticationFailureHandler failureHandler() {
        return (HttpServletRequest request, HttpServletResponse response, AuthenticationException failure) -> {
            String account = account(request);
            throttle.failed(account, request.getRemoteAddr());
            studies.record(account, LOGIN_FAILED, null, null, "sign-in from " + request.getRemoteAddr()
                    + " failed");
            response.sendRedirect("/login?error");
        };
    }

    AuthenticationSuccessHandler successHandler() {
        SavedRequestAwareAuthenticationSuccessHandler next = new SavedRequestAwareAuthenticationSuccessHandler();
        next.setDefaultTargetUrl("/");
        return (request, response, authentication) -> {
            throttle.succeeded(authentication.getName());
            studies.record(authentication.getName(), LOGIN_SUCCEEDED, null, null,
                    "signed in from " + request.getRemoteAddr());
            next.onAuthenticationSuccess(request, response, authentication);
        };
    }

    static boolean isLoopback(String address) {
        try {
            // A literal address (Tomcat gives one), so no name is looked up.
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String account(HttpServletRequest request) {
        String name = request.getParameter("username");
        if (name == null || name.isBlank()) {
            return "(none)";
        }
        return name.length() > MAX_USERNAME ? "(a name of " + name.length() + " characters)" : name;
    }
}
