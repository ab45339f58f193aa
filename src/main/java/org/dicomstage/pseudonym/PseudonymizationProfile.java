package org.dicomstage.pseudonym;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import org.dicomstage.pseudonym.ConfidentialityTable.Option;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A study's pseudonymization profile: the PS3.15 Annex E Basic Profile plus the options it turns on, and how
 * the patient is named. Kept as YAML (see {@code src/main/resources/profiles/}) so that changes diff well;
 * unknown keys are rejected so that a typo cannot silently turn an option off. Immutable.
 */
public final class PseudonymizationProfile {

    /**
     * The standard's table resolved for this profile, on first use; shared by the pseudonymizer and by
     * {@link #keepsUid}, so verification judges by the very rules the copy was made with. A profile is immutable,
     * so a race only resolves it twice.
     */
    private volatile ProfileRules rules;

    /** What PatientID and PatientName become. */
    public enum PatientIdentity {
        /** The study subject ID itself. */
        SUBJECT_ID,
        /** A prefix plus an HMAC of the study subject ID under the study secret. */
        PSEUDONYM
    }

    /** Retain Longitudinal Temporal Information: not at all (Basic Profile), full dates, or shifted dates. */
    public enum Dates {
        REMOVE,
        FULL,
        SHIFTED
    }

    /** One allow-listed private attribute: its block's private creator, its (odd) group and element byte. */
    public record SafePrivateTag(String creator, int group, int elementByte) {
        public SafePrivateTag {
            if (creator == null || creator.isBlank()) {
                throw new IllegalArgumentException("safe private tag needs a private creator");
            }
            if ((group & 1) == 0 || group > 0xFFFF) {
                throw new IllegalArgumentException(String.format("safe private tag group %04X is not private", group));
            }
            if (elementByte < 0 || elementByte > 0xFF) {
                throw new IllegalArgumentException("safe private element must be one byte (00-FF), is " + elementByte);
            }
            creator = creator.trim();
        }
    }

    private static final Set<String> TOP_KEYS = Set.of("name", "description", "patientIdentity", "options",
            "keepUnknownAttributes", "clinicalTrial", "pixelData");
    private static final Set<String> TRIAL_KEYS = Set.of("sponsorName", "protocolID", "protocolName", "siteID",
            "siteName");
    private static final Set<String> IDENTITY_KEYS = Set.of("mode", "prefix");
    private static final Set<String> OPTION_KEYS = Set.of("longitudinalTemporalInformation", "maxDateShiftDays",
            "retainPatientCharacteristics", "retainDeviceIdentity", "retainInstitutionIdentity", "retainUIDs",
            "cleanDescriptors", "cleanStructuredContent", "cleanGraphics", "retainSafePrivate");
    /** The yes/no options held as Table E.1-1 columns only (the others have their own fields). */
    private static final Map<String, Option> FLAG_OPTIONS = Map.of("retainUIDs", Option.UIDS,
            "cleanStructuredContent", Option.STRUCTURED_CONTENT, "cleanGraphics", Option.GRAPHICS);
    private static final Pattern TAG = Pattern.compile("([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})");
    private static final Set<String> PRIVATE_KEYS = Set.of("creator", "group", "element");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]{0,16}");

    private final String name;
    private final String description;
    private final PatientIdentity patientIdentity;
    private final String pseudonymPrefix;
    private final Dates dates;
    private final int maxDateShiftDays;
    private final boolean retainPatientCharacteristics;
    private final boolean retainDeviceIdentity;
    private final boolean retainInstitutionIdentity;
    private final boolean cleanDescriptors;
    private final Set<Option> flags;
    private final List<SafePrivateTag> safePrivate;
    private final Set<AttributeTag> keepUnknownAttributes;
    private final ClinicalTrial clinicalTrial;
    private final PixelRules pixelRules;

    private PseudonymizationProfile(String name, String description, PatientIdentity patientIdentity,
            String pseudonymPrefix, Dates dates, int maxDateShiftDays, boolean retainPatientCharacteristics,
            boolean retainDeviceIdentity, boolean retainInstitutionIdentity, boolean cleanDescriptors,
            Set<Option> flags, List<SafePrivateTag> safePrivate, Set<AttributeTag> keepUnknownAttributes,
            ClinicalTrial clinicalTrial, PixelRules pixelRules) {
        this.name = name;
        this.description = description;
        this.patientIdentity = patientIdentity;
        this.pseudonymPrefix = pseudonymPrefix;
        this.dates = dates;
        this.maxDateShiftDays = maxDateShiftDays;
        this.retainPatientCharacteristics = retainPatientCharacteristics;
        this.retainDeviceIdentity = retainDeviceIdentity;
        this.retainInstitutionIdentity = retainInstitutionIdentity;
        this.cleanDescriptors = cleanDescriptors;
        this.flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
        this.safePrivate = List.copyOf(safePrivate);
        this.keepUnknownAttributes = Set.copyOf(keepUnknownAttributes);
        this.clinicalTrial = clinicalTrial;
        this.pixelRules = pixelRules;
    }

    public static PseudonymizationProfile parse(String yamlText) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yamlText);
        } catch (YAMLException e) {
            throw new IllegalArgumentException("profile is not valid YAML: " + e.getMessage(), e);
        }
        Map<String, Object> top = map(root, "profile", TOP_KEYS);
        String name = requiredString(top, "name");
        String description = top.get("description") == null ? "" : String.valueOf(top.get("description")).trim();

        Map<String, Object> identity = map(top.getOrDefault("patientIdentity", Map.of()), "patientIdentity",
                IDENTITY_KEYS);
        PatientIdentity mode = enumValue(PatientIdentity.class, identity.getOrDefault("mode", "PSEUDONYM"),
                "patientIdentity.mode");
        String prefix = identity.get("prefix") == null ? "" : String.valueOf(identity.get("prefix"));
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("patientIdentity.prefix must be up to 16 letters, digits, '-' or '_': "
                    + prefix);
        }
        if (mode == PatientIdentity.SUBJECT_ID && !prefix.isEmpty()) {
            throw new IllegalArgumentException("patientIdentity.prefix only applies to mode PSEUDONYM");
        }

        Map<String, Object> options = map(top.getOrDefault("options", Map.of()), "options", OPTION_KEYS);
        Dates dates = enumValue(Dates.class, options.getOrDefault("longitudinalTemporalInformation", "REMOVE"),
                "options.longitudinalTemporalInformation");
        int maxShift = 0;
        if (dates == Dates.SHIFTED) {
            Object value = options.get("maxDateShiftDays");
            if (!(value instanceof Integer days) || days < 1 || days > 36500) {
                throw new IllegalArgumentException(
                        "options.maxDateShiftDays must be a whole number of days from 1 to 36500 with SHIFTED dates");
            }
            maxShift = days;
        } else if (options.containsKey("maxDateShiftDays")) {
            throw new IllegalArgumentException("options.maxDateShiftDays only applies to SHIFTED dates");
        }
        List<SafePrivateTag> safePrivate = new ArrayList<>();
        Object privateList = options.getOrDefault("retainSafePrivate", List.of());
        if (!(privateList instanceof List<?> entries)) {
            throw new IllegalArgumentException("options.retainSafePrivate must be a list");
        }
        for (Object entry : entries) {
            Map<String, Object> tag = map(entry, "options.retainSafePrivate entry", PRIVATE_KEYS);
            safePrivate.add(new SafePrivateTag(requiredString(tag, "creator"), hex(tag.get("group"), "group"),
                    hex(tag.get("element"), "element")));
        }
        Set<Option> flags = EnumSet.noneOf(Option.class);
        for (Map.Entry<String, Option> flag : FLAG_OPTIONS.entrySet()) {
            if (!flag(options, flag.getKey())) {
                continue;
            }
            flags.add(flag.getValue());
        }
        return new PseudonymizationProfile(name, description, mode, prefix, dates, maxShift,
                flag(options, "retainPatientCharacteristics"), flag(options, "retainDeviceIdentity"),
                flag(options, "retainInstitutionIdentity"), flag(options, "cleanDescriptors"), flags, safePrivate,
                unknownAttributes(top.getOrDefault("keepUnknownAttributes", List.of())),
                clinicalTrial(top.get("clinicalTrial")), PixelRules.parse(top.get("pixelData")));
    }

    /**
     * Public attributes in neither Table E.1-1 nor the dictionary are removed unless listed here: "gggg,eeee", quoted,
     * even group. A tag the table or dictionary knows has its rule already and is refused.
     */
    private static Set<AttributeTag> unknownAttributes(Object value) {
        if (!(value instanceof List<?> entries)) {
            throw new IllegalArgumentException(
                    "keepUnknownAttributes must be a list of quoted tags, e.g. \"3006,00C9\"");
        }
        Set<AttributeTag> tags = new LinkedHashSet<>();
        for (Object entry : entries) {
            var match = entry instanceof String text ? TAG.matcher(text.trim()) : null;
            if (match == null || !match.matches()) {
                throw new IllegalArgumentException("keepUnknownAttributes entry must be a quoted tag \"gggg,eeee\", is "
                        + entry);
            }
            AttributeTag tag = new AttributeTag(Integer.parseInt(match.group(1), 16),
                    Integer.parseInt(match.group(2), 16));
            if (tag.isPrivate() || tag.getGroup() < 0x0008) {
                throw new IllegalArgumentException("keepUnknownAttributes entry " + entry
                        + " is not a public data set attribute (private ones go in options.retainSafePrivate)");
            }
            if (ConfidentialityTable.standard().rule(tag) != null
                    || Attributes.DICTIONARY.getNameFromTag(tag) != null
                    || Attributes.DICTIONARY.getValueRepresentationFromTag(tag) != null) {
                throw new IllegalArgumentException("keepUnknownAttributes entry " + entry + " ("
                        + Attributes.keyword(tag) + ") is known: Table E.1-1 and the options decide what happens"
                        + " to it");
            }
            tags.add(tag);
        }
        return tags;
    }

    /** Clinical trial attributes a profile written for one study may carry; the CLI's options override them. */
    private static ClinicalTrial clinicalTrial(Object yaml) {
        if (yaml == null) {
            return ClinicalTrial.none();
        }
        Map<String, Object> trial = map(yaml, "clinicalTrial", TRIAL_KEYS);
        return new ClinicalTrial(optional(trial, "sponsorName"), optional(trial, "protocolID"),
                optional(trial, "protocolName"), optional(trial, "siteID"), optional(trial, "siteName"));
    }

    private static String optional(Map<String, Object> map, String key) {
        Object value = map.get(key);
        return value == null || String.valueOf(value).isBlank() ? null : String.valueOf(value).trim();
    }

    public static PseudonymizationProfile load(Path yaml) {
        try {
            return parse(Files.readString(yaml, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read profile " + yaml + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(yaml + ": " + e.getMessage(), e);
        }
    }

    /** A built-in profile from {@code profiles/NAME.yaml} on the class path: {@code basic} or {@code rt-research}. */
    public static PseudonymizationProfile builtin(String name) {
        if (name == null || !name.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("no built-in profile named " + name);
        }
        try (InputStream in = PseudonymizationProfile.class.getResourceAsStream("/profiles/" + name + ".yaml")) {
            if (in == null) {
                throw new IllegalArgumentException("no built-in profile named " + name);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read built-in profile " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public PatientIdentity patientIdentity() {
        return patientIdentity;
    }

    public String pseudonymPrefix() {
        return pseudonymPrefix;
    }

    public Dates dates() {
        return dates;
    }

    public int maxDateShiftDays() {
        return maxDateShiftDays;
    }

    public boolean retainPatientCharacteristics() {
        return retainPatientCharacteristics;
    }

    public boolean retainDeviceIdentity() {
        return retainDeviceIdentity;
    }

    public boolean retainInstitutionIdentity() {
        return retainInstitutionIdentity;
    }

    public boolean cleanDescriptors() {
        return cleanDescriptors;
    }

    public boolean retainUIDs() {
        return flags.contains(Option.UIDS);
    }

    /**
     * Whether the value of this UI attribute reaches the copy unchanged under this profile: class and coding-scheme
     * UIDs, and instance UIDs an applied Option retains (Device UID under Retain Device Identity). Verification must
     * not take those for source identifiers left behind.
     */
    public boolean keepsUid(AttributeTag tag) {
        String keyword = AttributeList.getDictionary().getNameFromTag(tag);
        return rules().decide(tag, keyword, "UI", false, false).action() == ConfidentialityTable.Action.KEEP;
    }

    ProfileRules rules() {
        ProfileRules resolved = rules;
        if (resolved == null) {
            resolved = new ProfileRules(this, ConfidentialityTable.standard());
            rules = resolved;
        }
        return resolved;
    }

    public boolean cleanStructuredContent() {
        return flags.contains(Option.STRUCTURED_CONTENT);
    }

    public boolean cleanGraphics() {
        return flags.contains(Option.GRAPHICS);
    }

    /** Public attributes unknown to Table E.1-1 and the dictionary that this profile keeps. */
    public Set<AttributeTag> keepUnknownAttributes() {
        return keepUnknownAttributes;
    }

    /** The Table E.1-1 Options this profile turns on, each one a column of the table. */
    Set<Option> options() {
        Set<Option> options = EnumSet.noneOf(Option.class);
        options.addAll(flags);
        if (retainSafePrivate()) {
            options.add(Option.SAFE_PRIVATE);
        }
        if (retainDeviceIdentity) {
            options.add(Option.DEVICE);
        }
        if (retainInstitutionIdentity) {
            options.add(Option.INSTITUTION);
        }
        if (retainPatientCharacteristics) {
            options.add(Option.PATIENT);
        }
        if (dates == Dates.FULL) {
            options.add(Option.FULL_DATES);
        }
        if (dates == Dates.SHIFTED) {
            options.add(Option.MODIFIED_DATES);
        }
        if (cleanDescriptors) {
            options.add(Option.DESCRIPTORS);
        }
        return options;
    }

    public List<SafePrivateTag> safePrivate() {
        return safePrivate;
    }

    /** The clinical trial attributes the profile gives (any may be null): defaults for the CLI's options. */
    public ClinicalTrial clinicalTrial() {
        return clinicalTrial;
    }

    /** What happens to objects that may carry identity in their pixels. */
    public PixelRules pixelRules() {
        return pixelRules;
    }

    public boolean retainSafePrivate() {
        return !safePrivate.isEmpty();
    }

    @Override
    public String toString() {
        return "PseudonymizationProfile[" + name + "]";
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String what, Set<String> allowedKeys) {
        if (!(value instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException(what + " must be a mapping");
        }
        for (Object key : raw.keySet()) {
            if (!allowedKeys.contains(String.valueOf(key))) {
                throw new IllegalArgumentException("unknown key '" + key + "' in " + what + "; allowed: "
                        + allowedKeys.stream().sorted().toList());
            }
        }
        return (Map<String, Object>) raw;
    }

    private static String requiredString(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (value == null || String.valueOf(value).isBlank()) {
            throw new IllegalArgumentException("'" + key + "' is required");
        }
        return String.valueOf(value).trim();
    }

    private static boolean flag(Map<String, Object> options, String key) {
        Object value = options.getOrDefault(key, Boolean.FALSE);
        if (!(value instanceof Boolean b)) {
            throw new IllegalArgumentException("options." + key + " must be true or false");
        }
        return b;
    }

    static <E extends Enum<E>> E enumValue(Class<E> type, Object value, String what) {
        try {
            return Enum.valueOf(type, String.valueOf(value).trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " must be one of " + List.of(type.getEnumConstants()) + ", is "
                    + value, e);
        }
    }

    /** Hex is written quoted in YAML ("0019"); an unquoted 0019 would arrive as the decimal or octal number. */
    private static int hex(Object value, String what) {
        if (!(value instanceof String text) || !text.matches("[0-9A-Fa-f]{1,4}")) {
            throw new IllegalArgumentException("safe private " + what + " must be quoted hex, e.g. \"0019\", is "
                    + value);
        }
        return Integer.parseInt(text, 16);
    }
}
