package org.dicomstage.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TransferSyntax;

import org.dicomstage.testing.HostileObjectGenerator;
import org.dicomstage.testing.HostileObjectGenerator.HostileObject;

/**
 * What a peer on the network can send the embedded archive over C-STORE (issue 11): UIDs that are paths or not UIDs
 * at all, and objects built to exhaust heap or stack. Every one is answered with a failure status and a reason, the
 * association and the archive carry on, and nothing outside the store is touched.
 */
class EmbeddedArchiveHostileInputTest {

    private static final int SUCCESS = 0;
    private static final String CT = SOPClass.CTImageStorage;
    private static final String EXPLICIT_LE = TransferSyntax.ExplicitVRLittleEndian;

    @TempDir
    Path root;

    @Test
    void aPathAsSopInstanceUidTouchesNothingOutsideTheStore() throws Exception {
        Path canary = Files.createDirectories(root.resolve("canary")).resolve("victim.txt");
        Files.writeString(canary, "canary");
        // .incoming, storage, x3, x2, x1: five levels up from where received files land is the root
        Path storage = root.resolve("x1/x2/x3/storage");
        String path = "../../../../../canary/victim.txt";
        try (EmbeddedArchive archive = new EmbeddedArchive("STORE", storage, 0, 2)) {
            archive.start();
            try (RawStoreScu scu = new RawStoreScu(archive.port(), "STORE", "DICOMSTAGE", CT, EXPLICIT_LE)) {
                RawStoreScu.Response response = scu.store(path, HostileObjectGenerator.plain("path", path).dataset());
                assertThat(response.status()).isEqualTo(ArchiveAssociation.CANNOT_UNDERSTAND);
                assertThat(response.errorComment()).contains("Affected SOP Instance UID is not a valid UID");
                // a sound UID in the command, the path in the data set
                response = scu.store("1.2.3.4", HostileObjectGenerator.plain("path", path).dataset());
                assertThat(response.status()).isEqualTo(ArchiveAssociation.CANNOT_UNDERSTAND);
                assertThat(response.errorComment()).contains("is not the Affected SOP Instance UID");
            }
            assertThat(archive.size()).isZero();
        }
        assertThat(canary).hasContent("canary");
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile).toList()).containsExactly(canary);
        }
    }

    @Test
    void invalidOrMismatchedUidsAreRefusedWithAReasonAndTheAssociationCarriesOn() throws Exception {
        try (EmbeddedArchive archive = new EmbeddedArchive("STORE", root.resolve("store"), 0, 2);
                RawStoreScu scu = open(archive)) {
            for (String uid : List.of("1..2", ".1.2", "1.2.", "1.2.3/4", "1.2.a", "1." + "2".repeat(63))) {
                RawStoreScu.Response response = scu.store(uid, HostileObjectGenerator.plain("bad", uid).dataset());
                assertThat(response.status()).as(uid).isEqualTo(ArchiveAssociation.CANNOT_UNDERSTAND);
                assertThat(response.errorComment()).as(uid).contains("not a valid UID");
            }
            RawStoreScu.Response mismatch = scu.store("1.2.3.4", HostileObjectGenerator.plain("other", "1.2.3.5").dataset());
            assertThat(mismatch.status()).isEqualTo(ArchiveAssociation.CANNOT_UNDERSTAND);
            assertThat(mismatch.errorComment()).contains("is not the Affected SOP Instance UID");
            assertThat(archive.size()).isZero();

            RawStoreScu.Response sound = scu.store("1.2.3.6", HostileObjectGenerator.plain("sound", "1.2.3.6").dataset());
            assertThat(sound.status()).isEqualTo(SUCCESS);
            assertThat(archive.size()).isEqualTo(1);
        }
    }

    @Test
    void hostileObjectsGetAFailureNamingThemWithinABoundedHeap() throws Exception {
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        System.gc();
        long before = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        try (EmbeddedArchive archive = new EmbeddedArchive("STORE", root.resolve("store"), 0, 2)) {
            archive.start();
            for (HostileObject object : HostileObjectGenerator.all()) {
                try (RawStoreScu scu = new RawStoreScu(archive.port(), "STORE", "DICOMSTAGE", object.sopClassUid(),
                        object.transferSyntaxUid())) {
                    RawStoreScu.Response response = scu.store(object.sopInstanceUid(), object.dataset());
                    assertThat(response.status()).as(object.name()).isNotEqualTo(SUCCESS).isNotEqualTo(-1);
                    assertThat(response.errorComment()).as(object.name()).contains(object.sopInstanceUid());
                    // the same association still stores a sound instance
                    String sound = object.sopInstanceUid() + ".99";
                    if (EXPLICIT_LE.equals(object.transferSyntaxUid())) {
                        assertThat(scu.store(sound, HostileObjectGenerator.plain("sound", sound).dataset()).status())
                                .as("after " + object.name()).isEqualTo(SUCCESS);
                    }
                }
            }
            assertThat(archive.size()).isEqualTo(4);
        }
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        assertThat(peak - before).as("heap growth in bytes").isLessThan(256L << 20);
    }

    @Test
    void aCallingAeTitleThatIsNotAPeerIsRefused() throws Exception {
        try (EmbeddedArchive archive = new EmbeddedArchive("STORE", root.resolve("store"), 0, 2)) {
            archive.start();
            assertThatThrownBy(() -> {
                try (RawStoreScu scu = new RawStoreScu(archive.port(), "STORE", "ANYONE", CT, EXPLICIT_LE)) {
                    scu.store("1.2.3.7", HostileObjectGenerator.plain("sound", "1.2.3.7").dataset());
                }
            }).isInstanceOf(Exception.class);
            assertThat(archive.size()).isZero();
        }
    }

    private static RawStoreScu open(EmbeddedArchive archive) throws Exception {
        archive.start();
        return new RawStoreScu(archive.port(), "STORE", "DICOMSTAGE", CT, EXPLICIT_LE);
    }
}
