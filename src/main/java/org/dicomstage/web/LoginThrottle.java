package org.dicomstage.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exponential back-off for failed sign-ins, per account and per client address: the first
 * {@link #FREE_FAILURES} failures cost nothing, then each one doubles the wait (1 s, 2 s, 4 s, ... at most
 * {@link #MAX_WAIT}). An attempt made while waiting counts as a failure too, so hammering only lengthens the wait.
 * A successful sign-in clears the account's count; an address's count is forgotten once its wait has long passed.
 *
 * <p>In memory, per application instance: this guards the demo form login of the embedded run. In production the
 * identity provider (OIDC) owns sign-in and its throttling. Anyone can keep a demo account waiting by failing on
 * purpose; that is the price of per-account throttling.
 */
final class LoginThrottle {

    static final int FREE_FAILURES = 5;
    static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    static final Duration MAX_WAIT = Duration.ofMinutes(15);
    /** Entries kept before expired ones are dropped: random user names or addresses cannot fill the heap. */
    private static final int MAX_ENTRIES = 10_000;

    private final Clock clock;
    private final Map<String, Failures> accounts = new ConcurrentHashMap<>();
    private final Map<String, Failures> addresses = new ConcurrentHashMap<>();

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long the account or the address must still wait; zero when a sign-in may be tried now. */
    Duration wait(String account, String address) {
        Instant now = clock.instant();
        Duration byAccount = remaining(accounts.get(account), now);
        Duration byAddress = remaining(addresses.get(address), now);
        return byAccount.compareTo(byAddress) >= 0 ? byAccount : byAddress;
    }

    /** A wrong password, an unknown account, or an attempt while waiting. */
    void failed(String account, String address) {
        Instant now = clock.instant();
        count(accounts, account, now);
        count(addresses, address, now);
    }

    void succeeded(String account) {
        accounts.remove(account);
    }

    void clear() {
        accounts.clear();
        addresses.clear();
    }

    private static Duration remaining(Failures failures, Instant now) {
        if (failures == null || failures.until() == null || !now.isBefore(failures.until())) {
            return Duration.ZERO;
        }
        return Duration.between(now, failures.until());
    }

    private static void count(Map<String, Failures> map, String key, Instant now) {
        if (map.size() >= MAX_ENTRIES) {
            map.values().removeIf(f -> f.forgotten(now));
        }
        map.compute(key, (k, old) -> {
            int count = old == null || old.forgotten(now) ? 1 : old.count() + 1;
            return new Failures(count, now, count <= FREE_FAILURES ? null : now.plus(waitAfter(count)));
        });
    }

    /** The wait after the n-th consecutive failure (n > FREE_FAILURES). */
    static Duration waitAfter(int failures) {
        int doublings = Math.min(failures - FREE_FAILURES - 1, 30);
        Duration wait = FIRST_WAIT.multipliedBy(1L << doublings);
        return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    }

    /** @param until null while within the free failures */
    private record Failures(int count, Instant last, Instant until) {
        /** Quiet for the longest wait after the last failure and its wait: start counting afresh. */
        boolean forgotten(Instant now) {
            return now.isAfter((until == null ? last : until).plus(MAX_WAIT));
        }
    }
}
