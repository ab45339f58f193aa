package org.dicomstage.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;

import org.dicomstage.testing.SharedData;

class EmbeddedNodeTest {

    @TempDir
    Path temp;

    private static DicomNodeConfig embedded(String name, Path storage) {
        return new DicomNodeConfig(name, DicomNodeConfig.Kind.EMBEDDED, "PROJECT", null, 0, null, null, null, null,
                storage.toString(), Duration.ofSeconds(5), Duration.ofSeconds(30), 4);
    }

    /**
     * A store without a streaming path of its own (here the in-process archive; STOW too) gets a spliced instance
     * as the file it stands for: header from memory, pixel bytes from the other file.
     */
    @Test
    void storesASplicedInstanceAsTheFileItStandsFor() throws Exception {
        Path source = SharedData.pydicom("rtdose.dcm");
        byte[] bytes = Files.readAllBytes(source);
        PixelDataDigest.NativeRange pixels = PixelDataDigest.locateNative(bytes, bytes.length, source.toString());
        AttributeList header = EmbeddedArchive.readHeader(source);
        String sopInstance = com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(header,
                TagFromName.SOPInstanceUID);
        SplicedInstance spliced = new SplicedInstance(
                com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(header, TagFromName.SOPClassUID),
                sopInstance, com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(header,
                        TagFromName.TransferSyntaxUID),
                java.util.Arrays.copyOf(bytes, pixels.valueOffset()), pixels.datasetStart(), source,
                pixels.valueOffset(), pixels.length());
        try (DicomNodes nodes = new DicomNodes(null)) {
            DicomNode node = nodes.create(embedded("project", temp.resolve("store")));
            try (DicomNode.StoreSession session = node.openStoreSession()) {
                session.store(spliced);
            }
            EmbeddedArchive archive = nodes.archive("project").orElseThrow();
            assertThat(archive.size()).isEqualTo(1);
            Path stored;
            try (java.util.stream.Stream<Path> files = Files.walk(archive.storageDirectory())) {
                stored = files.filter(f -> f.getFileName().toString().equals(sopInstance + ".dcm")).findFirst()
                        .orElseThrow();
            }
            assertThat(Files.readAllBytes(stored)).isEqualTo(bytes);
        }
    }

    @Test
    void storesQueriesAndRetrievesWithoutTheNetwork() throws Exception {
        Map<String, Path> rtFiles = Fixtures.rtFiles();
        try (DicomNodes nodes = new DicomNodes(null)) {
            DicomNode node = nodes.create(embedded("project", temp.resolve("store")));
            assertThat(node).isInstanceOf(EmbeddedNode.class);
            node.echo();
            try (DicomNode.StoreSession session = node.openStoreSession()) {
                for (Path file : rtFiles.values()) {
                    session.store(file);
                }
                for (Path file : rtFiles.values()) {
                    session.store(file);
                }
            }
            EmbeddedArchive archive = nodes.archive("project").orElseThrow();
            assertThat(archive.size()).isEqualTo(8);
            assertThat(Fixtures.countFiles(archive.storageDirectory())).isEqualTo(8);

            assertThat(node.findPatients("*")).singleElement().satisfies(p -> {
                assertThat(p.patientID()).isEqualTo(Fixtures.RT_PATIENT);
                assertThat(p.numberOfPatientRelatedStudies()).isEqualTo(1);
            });
            assertThat(node.findStudies(Fixtures.RT_PATIENT)).singleElement()
                    .satisfies(s -> assertThat(s.modalitiesInStudy()).containsExactlyInAnyOrder("CT", "RTSTRUCT", "RTPLAN", "RTDOSE"));
            assertThat(node.findSeries(Fixtures.RT_STUDY)).hasSize(4);
            List<InstanceEntry> instances = node.findInstances(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES);
            assertThat(instances).extracting(InstanceEntry::instanceNumber).isSorted();
            assertThat(instances).hasSize(5);

            Set<String> retrieved = new HashSet<>();
            int count = node.retrieveSeries(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES, file -> {
                // every stored file is Part-10, even when the source had no header
                try (DicomInputStream din = new DicomInputStream(file.toFile())) {
                    assertThat(din.haveMetaHeader()).isTrue();
                }
                retrieved.add(Fixtures.sopInstanceUID(file));
            });
            assertThat(count).isEqualTo(5);
            assertThat(retrieved).containsExactlyInAnyOrderElementsOf(instances.stream().map(InstanceEntry::sopInstanceUID).toList());

            List<AttributeList> headers = node.retrieveHeaders(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES);
            assertThat(headers).hasSize(5).allSatisfy(h -> assertThat(h.get(TagFromName.PixelData)).isNull());
        }
    }

    @Test
    void rebuildsItsIndexFromTheFilesAtStart() throws Exception {
        Path storage = temp.resolve("rebuild");
        try (EmbeddedArchive archive = new EmbeddedArchive("A", storage, 0, 2)) {
            archive.start();
            assertThat(archive.importDirectory(SharedData.rtSet())).isEqualTo(8);
        }
        Files.createDirectories(storage.resolve(".incoming"));
        Files.writeString(storage.resolve(".incoming").resolve("half-written.part"), "junk");
        try (EmbeddedArchive archive = new EmbeddedArchive("A", storage, 0, 2)) {
            archive.start();
            assertThat(archive.size()).isEqualTo(8);
            assertThat(storage.resolve(".incoming").resolve("half-written.part")).doesNotExist();
            EmbeddedNode node = new EmbeddedNode("a", archive);
            assertThat(node.findInstances(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES)).hasSize(5);
        }
    }

    @Test
    void rejectsFilesThatAreNotDicom() throws Exception {
        Path junk = Files.writeString(temp.resolve("junk.dcm"), "not dicom at all");
        try (EmbeddedArchive archive = new EmbeddedArchive("A", temp.resolve("a"), 0, 2)) {
            archive.start();
            assertThatThrownBy(() -> archive.importFile(junk)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("junk.dcm");
            assertThat(archive.importDirectory(temp)).isZero();
        }
    }

    @Test
    void factoryBuildsTheAdapterOfEachKind() {
        try (DicomNodes nodes = new DicomNodes(null)) {
            DicomNodeConfig web = new DicomNodeConfig("web", DicomNodeConfig.Kind.DICOMWEB, null, null, 0, null, null, null,
                    "http://localhost:8042/dicom-web", null, null, null, 2);
            assertThat(nodes.create(web)).isInstanceOf(DicomWebNode.class);
            DicomNodeConfig move = Fixtures.dimse("study0", "STUDY0", 104, DicomNodeConfig.RetrieveMethod.C_MOVE, 2);
            assertThatThrownBy(() -> nodes.create(move)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("C-MOVE");
            assertThat(nodes.create(Fixtures.dimse("study0", "STUDY0", 104, DicomNodeConfig.RetrieveMethod.C_GET, 2)))
                    .isInstanceOf(DimseNode.class);
        }
    }
}
