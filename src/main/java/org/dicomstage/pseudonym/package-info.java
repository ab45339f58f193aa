/**
 * Pseudonymization of one dataset under a study's profile: PS3.15 Annex E Basic Profile and its
 * options, keyed deterministic UID mapping, clinical trial attributes, and a dry run. Pure: no I/O
 * beyond the files it is handed, no Spring.
 *
 * <ul>
 * <li>{@link org.dicomstage.pseudonym.Pseudonymizer}: the entry points, per dataset and per file.</li>
 * <li>{@code InstanceFiles}: file I/O. Checks the input's structure itself (PixelMed only logs truncation),
 * keeps the transfer syntax, splices native pixel data behind the new header or writes encapsulated pixel data
 * back verbatim, proves the output's pixel bytes equal the input's with
 * {@link org.dicomstage.dicom.PixelDataDigest} and only then moves the file into place.</li>
 * <li>{@code DatasetTransformer}: the walk over a dataset at every depth; {@code ProfileRules}: Table E.1-1
 * resolved under the profile's options; {@code AttributeActions}: what each action does to a value;
 * {@code StudyAttributes}: pseudonym, clinical trial and de-identification method attributes.</li>
 * <li>The text cleaner: {@code ObjectIdentifiers} (the names and IDs an object carries, at any depth),
 * {@code FreeTextCleaner} (removes them and dates, phones, addresses from one value), {@code TextCleaner} (which
 * kept text gets which cleaning, one compiled cleaner per set of names); {@code TextEncoding}: every text is
 * written as it reads, in UTF-8 where PixelMed cannot encode the declared character set.</li>
 * <li>{@code confidentiality-profile-attributes.tsv} (next to these classes): PS3.15 Table E.1-1 as data, edition
 * named in the file, one attribute per line with its Basic Profile action and every Option column
 * ({@code ConfidentialityTable}); {@code ConfidentialityTableTest} compares it with the standard's published
 * machine-readable copy.</li>
 * <li>{@link org.dicomstage.pseudonym.PseudonymizationProfile}: YAML profiles; built-ins in
 * {@code src/main/resources/profiles/} ({@code basic}, {@code rt-research}).</li>
 * <li>{@link org.dicomstage.pseudonym.PixelRules}: what happens to objects that may show identity in their
 * pixels (refuse, mask, allow; BurnedInAnnotation YES and Secondary Capture refused by default);
 * {@link org.dicomstage.pseudonym.PixelMask}: PixelMed's blackout of native pixel data, and the comparison of a
 * masked copy with its source outside the rectangles.</li>
 * <li>{@link org.dicomstage.pseudonym.UidMapper}: {@code 2.25.} + first 128 bits of HMAC-SHA256(secret, UID).</li>
 * <li>{@link org.dicomstage.pseudonym.PseudonymizeCommand}: {@code java -jar dicom-stage.jar pseudonymize ...}
 * over a folder, in parallel, without Spring.</li>
 * </ul>
 */
package org.dicomstage.pseudonym;
