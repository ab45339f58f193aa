package org.dicomstage.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Pure parsing and matching behind subject search; no database, so the rules are testable on their own. */
final class SubjectMatching {

    private static final Pattern SEPARATORS = Pattern.compile("[,;\\s]+");

    private SubjectMatching() {
    }

    /** Terms of a pasted list, in input order, each once (compared case-insensitively, as matching is). */
    static List<String> terms(String text) {
        if (text == null) {
            return List.of();
        }
        Map<String, String> unique = new LinkedHashMap<>();
        for (String term : SEPARATORS.split(text.strip())) {
            if (!term.isEmpty()) {
                unique.putIfAbsent(fold(term), term);
            }
        }
        return List.copyOf(unique.values());
    }

    /** A LIKE pattern for a case-insensitive substring search; the user's % and _ are taken literally. */
    static String likePattern(String query) {
        String folded = query == null ? "" : fold(query.strip());
        StringBuilder pattern = new StringBuilder("%");
        for (char c : folded.toCharArray()) {
            if (c == '\\' || c == '%' || c == '_') {
                pattern.append('\\');
            }
            pattern.append(c);
        }
        return pattern.append('%').toString();
    }

    static boolean matches(String term, SubjectEnrolment subject) {
        String folded = fold(term);
        return fold(subject.pid()).contains(folded) || fold(subject.studySubjectId()).contains(folded);
    }

    record Outcome(List<SubjectEnrolment> matched, List<String> unmatched) {
    }

    /** Subjects matched by any term, each once and in candidate order, and the terms that matched none. */
    static Outcome match(List<String> terms, List<SubjectEnrolment> candidates) {
        List<SubjectEnrolment> matched = new ArrayList<>();
        boolean[] hit = new boolean[terms.size()];
        for (SubjectEnrolment candidate : candidates) {
            boolean any = false;
            for (int i = 0; i < terms.size(); i++) {
                if (matches(terms.get(i), candidate)) {
                    hit[i] = true;
                    any = true;
                }
            }
            if (any) {
                matched.add(candidate);
            }
        }
        List<String> unmatched = new ArrayList<>();
        for (int i = 0; i < terms.size(); i++) {
            if (!hit[i]) {
                unmatched.add(terms.get(i));
            }
        }
        return new Outcome(List.copyOf(matched), List.copyOf(unmatched));
    }

    private static String fold(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
