package org.dicomstage.dicom;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.DicomStreamCopier;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.Association;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PresentationContext;
import com.pixelmed.utils.CopyStream;

/**
 * Stores many files over one association. Contexts are proposed for the SOP classes seen so far (plus
 * common ones), each in the file's own transfer syntax and in both uncompressed ones. A file needing a
 * context the association lacks makes the session propose it on a fresh association; files are sent in
 * their own transfer syntax when the peer accepted it, converted between uncompressed syntaxes otherwise.
 */
final class DimseStoreSession implements DicomNode.StoreSession {

    private static final Logger log = LoggerFactory.getLogger(DimseStoreSession.class);

    private static final List<String> COMMON_CLASSES = List.of(
            SOPClass.CTImageStorage, SOPClass.MRImageStorage, SOPClass.RTStructureSetStorage, SOPClass.RTPlanStorage,
            SOPClass.RTDoseStorage, SOPClass.RTImageStorage, SOPClass.PETImageStorage, SOPClass.SecondaryCaptureImageStorage,
            SOPClass.SpatialRegistrationStorage, SOPClass.SegmentationStorage, SOPClass.RTIonPlanStorage,
            SOPClass.RTBeamsTreatmentRecordStorage, SOPClass.EnhancedCTImageStorage);
    private static final List<String> UNCOMPRESSED = List.of(
            TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian);
    private static final int MAX_CONTEXTS = 128;

    private final DimseNode node;
    /** SOP class → transfer syntaxes to propose for it. */
    private final Map<String, Set<String>> wanted = new LinkedHashMap<>();
    private Association association;
    private boolean closed;

    DimseStoreSession(DimseNode node) {
        this.node = node;
        for (String sopClass : COMMON_CLASSES) {
            wanted.put(sopClass, new LinkedHashSet<>(UNCOMPRESSED));
        }
    }

    private record Instance(String sopClassUID, String sopInstanceUID, String transferSyntaxUID) {
    }

    @Override
    public synchronized void store(Path part10File) {
        store(inspect(part10File), () -> {
            DicomInputStream din = new DicomInputStream(new BufferedInputStream(Files.newInputStream(part10File),
                    1 << 16));
            if (din.haveMetaHeader()) {
                new AttributeList().readOnlyMetaInformationHeader(din);
            }
            return din;
        });
    }

    /** Sends the header from memory and the pixel bytes from where they lie: no file is written for it. */
    @Override
    public synchronized void store(SplicedInstance spliced) {
        store(new Instance(spliced.sopClassUID(), spliced.sopInstanceUID(), spliced.transferSyntaxUID()),
                () -> new DicomInputStream(new BufferedInputStream(spliced.openDataset(), 1 << 16),
                        spliced.transferSyntaxUID(), false));
    }

    /** Opens the dataset (after any meta information), positioned at its first element. */
    @FunctionalInterface
    private interface DatasetSource {
        DicomInputStream open() throws Exception;
    }

    private void store(Instance instance, DatasetSource dataset) {
        if (closed) {
            throw new IllegalStateException("store session of " + node + " is closed");
        }
        byte pc = contextFor(instance);
        int status;
        try {
            status = send(instance, dataset, pc);
        } catch (Exception e) {
            Dimse.abortQuietly(association);
            association = null;
            throw node.failure("C-STORE of " + instance.sopInstanceUID(), e);
        }
        if (status == 0xB000 || status == 0xB006 || status == 0xB007) {
            log.warn("{}: C-STORE of {} succeeded with warning 0x{}", node, instance.sopInstanceUID(), Integer.toHexString(status));
        } else if (status != 0x0000) {
            throw node.failure("C-STORE", String.format("status 0x%04X for SOP instance %s", status, instance.sopInstanceUID()));
        }
    }

    private Instance inspect(Path file) {
        try (DicomInputStream din = new DicomInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            AttributeList header = new AttributeList();
            header.read(din, TagFromName.PixelData);
            String ts = Dimse.string(header, TagFromName.TransferSyntaxUID);
            if (ts.isEmpty()) {
                ts = din.getTransferSyntaxToReadDataSet().getUID();
            }
            String sopClass = Dimse.string(header, TagFromName.SOPClassUID);
            String sopInstance = Dimse.string(header, TagFromName.SOPInstanceUID);
            if (sopClass.isEmpty() || sopInstance.isEmpty()) {
                throw new IllegalArgumentException(file + " has no SOP class or SOP instance UID");
            }
            return new Instance(sopClass, sopInstance, ts);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot read DICOM file " + file + ": " + e.getMessage(), e);
        }
    }

    /** An accepted context for the instance, opening a (new) association proposing it if needed. */
    private byte contextFor(Instance instance) {
        boolean newClass = !wanted.containsKey(instance.sopClassUID());
        Set<String> syntaxes = wanted.computeIfAbsent(instance.sopClassUID(), k -> new LinkedHashSet<>(UNCOMPRESSED));
        boolean newlyWanted = syntaxes.add(instance.transferSyntaxUID()) || newClass;
        if (association != null) {
            Byte pc = accepted(instance);
            if (pc != null) {
                return pc;
            }
            if (!newlyWanted) {
                throw noContext(instance);
            }
            log.debug("{}: new association for {} in {}", node, instance.sopClassUID(), instance.transferSyntaxUID());
            Dimse.releaseQuietly(association);
            association = null;
        }
        association = node.open("C-STORE", proposal(instance), null);
        Byte pc = accepted(instance);
        if (pc == null) {
            throw noContext(instance);
        }
        return pc;
    }

    private DicomNodeException noContext(Instance instance) {
        return node.failure("C-STORE", "peer accepts no presentation context for SOP class " + instance.sopClassUID()
                + " in transfer syntax " + instance.transferSyntaxUID() + " (SOP instance " + instance.sopInstanceUID() + ")");
    }

    /** The file's own transfer syntax if accepted, else an uncompressed one we can convert to. */
    private Byte accepted(Instance instance) {
        try {
            return association.getSuitablePresentationContextID(instance.sopClassUID(), instance.transferSyntaxUID());
        } catch (DicomNetworkException e) {
            // not accepted in that syntax
        }
        if (!new TransferSyntax(instance.transferSyntaxUID()).isEncapsulated()) {
            for (String ts : UNCOMPRESSED) {
                try {
                    return association.getSuitablePresentationContextID(instance.sopClassUID(), ts);
                } catch (DicomNetworkException e) {
                    // try the next
                }
            }
        }
        return null;
    }

    /** The current instance's class first, so it survives the 128-context limit. */
    private LinkedList<PresentationContext> proposal(Instance first) {
        List<String> classes = new ArrayList<>();
        classes.add(first.sopClassUID());
        wanted.keySet().stream().filter(c -> !c.equals(first.sopClassUID())).forEach(classes::add);
        LinkedList<PresentationContext> contexts = new LinkedList<>();
        int id = 1;
        for (String sopClass : classes) {
            for (String ts : wanted.get(sopClass)) {
                if (contexts.size() >= MAX_CONTEXTS) {
                    return contexts;
                }
                contexts.add(new PresentationContext((byte) id, sopClass, ts));
                id += 2;
            }
        }
        return contexts;
    }

    private int send(Instance instance, DatasetSource dataset, byte pc) throws Exception {
        String outputSyntax = association.getTransferSyntaxForPresentationContextID(pc);
        try (DicomInputStream din = dataset.open()) {
            DimseNode.StatusHandler response = new DimseNode.StatusHandler();
            association.setReceivedDataHandler(response);
            association.send(pc, new CStoreRequestCommandMessage(instance.sopClassUID(), instance.sopInstanceUID()).getBytes(), null);
            OutputStream out = association.getAssociationOutputStream(pc);
            if (outputSyntax.equals(instance.transferSyntaxUID())) {
                CopyStream.copy(din, out);
                out.close();
            } else {
                // DicomStreamCopier closes the stream itself
                new DicomStreamCopier(din, new DicomOutputStream(out, null, outputSyntax));
            }
            association.waitForCommandPDataPDUs();
            return response.getStatus();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Dimse.releaseQuietly(association);
        association = null;
        node.releasePermit();
    }
}
