package org.dicomstage.pseudonym;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dicomstage.pseudonym.ConfidentialityTable.Option;
import org.dicomstage.pseudonym.ConfidentialityTable.Rule;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The project's Table E.1-1 against the standard's, as published machine-readably (the vendored
 * {@code confidentiality_profile_attributes.json}, provenance beside it): every row, the basic action and every
 * Option column. A difference not listed with its reason in {@code table-deviations.tsv} fails, and so does a
 * listed deviation that is no longer a difference.
 */
class ConfidentialityTableTest {

    /** The vendored file's field for each Option column. */
    private static final Map<Option, String> FIELDS = Map.of(Option.SAFE_PRIVATE, "rtnSafePrivOpt",
            Option.UIDS, "rtnUIDsOpt", Option.DEVICE, "rtnDevIdOpt", Option.INSTITUTION, "rtnInstIdOpt",
            Option.PATIENT, "rtnPatCharsOpt", Option.FULL_DATES, "rtnLongFullDatesOpt",
            Option.MODIFIED_DATES, "rtnLongModifDatesOpt", Option.DESCRIPTORS, "cleanDescOpt",
            Option.STRUCTURED_CONTENT, "cleanStructContOpt", Option.GRAPHICS, "cleanGraphOpt");

    @Test
    void everyRowAndColumnIsTheStandardsOrAListedDeviation() throws IOException {
        Map<String, Map<String, String>> standard = standardRows();
        Map<String, Map<String, String>> ours = new LinkedHashMap<>();
        for (Rule rule : ConfidentialityTable.standard().rules()) {
            ours.put(rule.tagText(), cells(rule));
        }

        Map<String, String> differences = new TreeMap<>();
        for (String tag : union(standard, ours)) {
            Map<String, String> mine = ours.getOrDefault(tag, Map.of("row", "-"));
            Map<String, String> theirs = standard.getOrDefault(tag, Map.of("row", "-"));
            if (!ours.containsKey(tag) || !standard.containsKey(tag)) {
                differences.put(tag + "\trow", (ours.containsKey(tag) ? "present" : "-") + "\t"
                        + (standard.containsKey(tag) ? "present" : "-"));
                continue;
            }
            for (String column : mine.keySet()) {
                if (!mine.get(column).equals(theirs.get(column))) {
                    differences.put(tag + "\t" + column, mine.get(column) + "\t" + theirs.get(column));
                }
            }
        }

        Map<String, String> deviations = deviations();
        assertThat(differences).as("differences from the vendored Table E.1-1 (tag, column: ours, standard's)"
                + " that table-deviations.tsv does not list, or lists although they are gone")
                .isEqualTo(deviations);
        assertThat(standard).hasSizeGreaterThan(600);
    }

    @Test
    void theTableNamesTheEditionOfItsSource() throws IOException {
        String provenance = resource("confidentiality_profile_attributes.PROVENANCE.md");
        Matcher edition = Pattern.compile("Edition: \\*\\*(\\w+)\\*\\*").matcher(provenance);

        assertThat(edition.find()).isTrue();
        assertThat(ConfidentialityTable.standard().edition()).isEqualTo(edition.group(1)).isEqualTo("2024b");
    }

    @Test
    void theTableHoldsTheRowsTheOldOneMissed() {
        ConfidentialityTable table = ConfidentialityTable.standard();

        for (String tag : List.of("0040,A353", "3006,002D", "3006,004D", "0068,6270", "300A,0760", "0012,0022",
                "0012,0073")) {
            assertThat(table.rules()).as(tag).anySatisfy(rule -> assertThat(rule.tagText()).isEqualTo(tag));
        }
    }

    private static Map<String, String> cells(Rule rule) {
        Map<String, String> cells = new LinkedHashMap<>();
        cells.put("basic", rule.basic());
        for (Option option : Option.values()) {
            char cell = rule.cell(option);
            cells.put(option.column, cell == 0 ? "-" : String.valueOf(cell));
        }
        return cells;
    }

    private static Map<String, Map<String, String>> standardRows() throws IOException {
        JsonNode rows = new ObjectMapper().readTree(resource("confidentiality_profile_attributes.json"));
        Map<String, Map<String, String>> standard = new LinkedHashMap<>();
        for (JsonNode row : rows) {
            String tag = row.get("tag").asText().toUpperCase(Locale.ROOT);
            // "(GGGG,EEEE) WHERE GGGG IS ODD" is the private attributes' row.
            tag = tag.startsWith("(GGGG,EEEE)") ? "GGGG,EEEE" : tag.substring(1, tag.length() - 1);
            Map<String, String> cells = new LinkedHashMap<>();
            cells.put("basic", row.get("basicProfile").asText());
            for (Option option : Option.values()) {
                JsonNode cell = row.get(FIELDS.get(option));
                cells.put(option.column, cell == null ? "-" : cell.asText());
            }
            assertThat(standard.put(tag, cells)).as("row " + tag + " appears once").isNull();
        }
        return standard;
    }

    /** tag TAB column -> ours TAB standard's, each with a reason. */
    private static Map<String, String> deviations() throws IOException {
        Map<String, String> deviations = new TreeMap<>();
        for (String line : resource("table-deviations.tsv").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] columns = line.split("\t");
            assertThat(columns).as("tag, column, ours, standard, reason: " + line).hasSize(5);
            assertThat(columns[4]).as("reason of " + line).isNotBlank();
            deviations.put(columns[0] + "\t" + columns[1], columns[2] + "\t" + columns[3]);
        }
        return deviations;
    }

    private static List<String> union(Map<String, ?> a, Map<String, ?> b) {
        List<String> tags = new ArrayList<>(a.keySet());
        b.keySet().stream().filter(tag -> !a.containsKey(tag)).forEach(tags::add);
        return tags;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ConfidentialityTableTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
