package org.dicomstage.dicom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.SetOfDicomFiles;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedLongAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CEchoResponseCommandMessage;
import com.pixelmed.network.CFindResponseCommandMessage;
import com.pixelmed.network.CGetResponseCommandMessage;
import com.pixelmed.network.CMoveRequestCommandMessage;
import com.pixelmed.network.CMoveResponseCommandMessage;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.MessageServiceElementCommand;
import com.pixelmed.network.MultipleInstanceTransferStatusHandler;
import com.pixelmed.network.ResponseStatus;
import com.pixelmed.network.StorageSOPClassSCU;
import com.pixelmed.query.QueryResponseGenerator;
import com.pixelmed.query.RetrieveResponseGenerator;

/**
 * One association with the {@link EmbeddedArchive}, served with PixelMed's association, message and storage SCU
 * classes. PixelMed's own {@code StorageSOPClassSCP} cannot be used here: it names the received file after the
 * Affected SOP Instance UID the peer sends, answers every C-STORE with Success whatever the receiver finds (a
 * receiver's exception drops the association instead), and cannot refuse a calling AE title. Here the archive names
 * every file, each C-STORE gets the status the archive decides with a reason in Error Comment, and only the
 * archive's peers get past the association request.
 */
final class ArchiveAssociation implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ArchiveAssociation.class);
    static final int NO_DATA_SET = 0x0101;
    private static final AttributeTag COMMAND_GROUP_LENGTH = new AttributeTag(0x0000, 0x0000);
    /** PS3.7 C.4.2.1.4: Cannot understand (the data set, or what the command says about it). */
    static final int CANNOT_UNDERSTAND = 0xC000;
    /** PS3.7 C.4.2.1.4: Refused, out of resources. */
    static final int OUT_OF_RESOURCES = 0xA700;

    private final Socket socket;
    private final EmbeddedArchive archive;

    ArchiveAssociation(Socket socket, EmbeddedArchive archive) {
        this.socket = socket;
        this.archive = archive;
    }

    /** What the archive says about one received instance. */
    record StoreOutcome(int status, String reason) {
        static final StoreOutcome STORED = new StoreOutcome(ResponseStatus.Success, null);

        static StoreOutcome refused(int status, String reason) {
            return new StoreOutcome(status, reason);
        }
    }

    @Override
    public void run() {
        Association association;
        try {
            association = AssociationFactory.createNewAssociation(socket, archive.aeTitle(), Dimse.MAX_PDU_LENGTH,
                    Dimse.SOCKET_BUFFER, Dimse.SOCKET_BUFFER, new ScpServer.AcceptingPolicy());
        } catch (DicomNetworkException | IOException e) {
            log.debug("archive {}: association from {} not established: {}", archive.aeTitle(),
                    socket.getRemoteSocketAddress(), e.getMessage());
            return;
        }
        String calling = association.getCallingAETitle();
        if (!archive.isPeer(calling)) {
            // PixelMed can only reject a wrong called AE title itself; a wrong calling one is aborted right away.
            log.warn("archive {}: refused calling AE title '{}' from {}: not one of its peers {}", archive.aeTitle(),
                    printable(calling), socket.getRemoteSocketAddress(), archive.peers());
            try {
                association.abort();
            } catch (DicomNetworkException e) {
                log.debug("archive {}: abort failed: {}", archive.aeTitle(), e.getMessage());
            }
            return;
        }
        try {
            while (true) {
                ArchiveRequest request = new ArchiveRequest(archive);
                association.setReceivedDataHandler(request);
                try {
                    association.waitForPDataPDUsUntilHandlerReportsDone();
                } finally {
                    request.closeOutput();
                }
                respond(association, request);
            }
        } catch (AReleaseException e) {
            // released by the peer: the normal end
        } catch (DicomNetworkException | DicomException | IOException e) {
            log.warn("archive {}: association with {} ({}) ended: {}", archive.aeTitle(), printable(calling),
                    socket.getRemoteSocketAddress(), e.getMessage());
        }
    }

    private void respond(Association association, ArchiveRequest request)
            throws DicomNetworkException, DicomException, IOException {
        switch (request.command()) {
            case MessageServiceElementCommand.C_ECHO_RQ -> association.send(request.pc(), new CEchoResponseCommandMessage(
                    request.affectedSopClass(), request.messageId(), ResponseStatus.Success).getBytes(), null);
            case MessageServiceElementCommand.C_STORE_RQ -> store(association, request);
            case MessageServiceElementCommand.C_FIND_RQ -> find(association, request);
            case MessageServiceElementCommand.C_GET_RQ, MessageServiceElementCommand.C_MOVE_RQ -> retrieve(association,
                    request);
            case MessageServiceElementCommand.C_CANCEL_RQ -> {
                // our responses are complete before the next command is read: nothing left to cancel
            }
            default -> throw new DicomNetworkException("unsupported command 0x" + Integer.toHexString(request.command()));
        }
    }

    private void store(Association association, ArchiveRequest request)
            throws DicomNetworkException, DicomException, IOException {
        CStoreRequestCommandMessage rq = new CStoreRequestCommandMessage(request.commandList());
        StoreOutcome outcome;
        try {
            outcome = request.refusal() != null ? request.refusal()
                    : archive.store(request.received(), rq.getAffectedSOPInstanceUID());
        } finally {
            if (request.received() != null) {
                Files.deleteIfExists(request.received());
            }
        }
        if (outcome.status() != ResponseStatus.Success) {
            log.warn("archive {}: C-STORE from {} refused (0x{}): {}", archive.aeTitle(),
                    printable(association.getCallingAETitle()), Integer.toHexString(outcome.status()), outcome.reason());
        }
        association.send(request.pc(), storeResponse(rq, outcome), null);
    }

    private void find(Association association, ArchiveRequest request)
            throws DicomNetworkException, DicomException, IOException {
        String sopClass = request.affectedSopClass();
        AttributeList identifier = request.identifier(association);
        QueryResponseGenerator query = archive.newQuery();
        if (identifier != null) {
            query.performQuery(sopClass, identifier, false);
        }
        int status = identifier == null ? ResponseStatus.UnableToProcess : query.getStatus();
        if (status != ResponseStatus.Success) {
            association.send(request.pc(), new CFindResponseCommandMessage(sopClass, request.messageId(), status, false,
                    query.getOffendingElement(), request.identifierProblem()).getBytes(), null);
            return;
        }
        String ts = association.getTransferSyntaxForPresentationContextID(request.pc());
        AttributeList match;
        while ((match = query.next()) != null) {
            association.send(request.pc(), new CFindResponseCommandMessage(sopClass, request.messageId(),
                    ResponseStatus.MatchesAreContinuingOptionalKeysSupported, true).getBytes(), null);
            association.send(request.pc(), null, encode(match, ts));
        }
        association.send(request.pc(), new CFindResponseCommandMessage(sopClass, request.messageId(),
                ResponseStatus.Success, false).getBytes(), null);
    }

    private void retrieve(Association association, ArchiveRequest request)
            throws DicomNetworkException, DicomException, IOException {
        boolean move = request.command() == MessageServiceElementCommand.C_MOVE_RQ;
        String sopClass = request.affectedSopClass();
        AttributeList identifier = request.identifier(association);
        RetrieveResponseGenerator retrieve = archive.newRetrieve();
        if (identifier != null) {
            retrieve.performRetrieve(sopClass, identifier, false);
        }
        SetOfDicomFiles files = retrieve.getDicomFiles();
        int status = identifier == null ? ResponseStatus.UnableToProcess : retrieve.getStatus();
        String comment = request.identifierProblem();
        InetSocketAddress destination = null;
        String destinationAe = null;
        if (status == ResponseStatus.Success && move) {
            destinationAe = new CMoveRequestCommandMessage(request.commandList()).getMoveDestination();
            destination = archive.moveDestination(destinationAe);
            if (destination == null) {
                status = ResponseStatus.RefusedMoveDestinationUnknown;
                comment = "unknown move destination";
            }
        }
        if (status != ResponseStatus.Success || files == null) {
            byte[] response = move
                    ? new CMoveResponseCommandMessage(sopClass, request.messageId(), status, false,
                            retrieve.getOffendingElement(), comment).getBytes()
                    : new CGetResponseCommandMessage(sopClass, request.messageId(), status, false,
                            retrieve.getOffendingElement(), comment).getBytes();
            association.send(request.pc(), response, null);
            return;
        }
        Progress progress = new Progress(association, request, move);
        progress.remaining = files.size();
        if (!files.isEmpty()) {
            if (move) {
                new StorageSOPClassSCU(destination.getHostString(), destination.getPort(), destinationAe,
                        archive.aeTitle(), files, 0, progress, archive.aeTitle(), request.messageId());
            } else {
                // Sub-operations on this association: PixelMed's SCU takes it over until the last one is answered.
                new StorageSOPClassSCU(association, files, progress);
            }
        }
        progress.sendFinal();
    }

    /** Pending responses while sub-operations run, then the final one with the counts. */
    private static final class Progress extends MultipleInstanceTransferStatusHandler {
        private final Association association;
        private final ArchiveRequest request;
        private final boolean move;
        int remaining;
        int completed;
        int failed;
        int warning;

        Progress(Association association, ArchiveRequest request, boolean move) {
            this.association = association;
            this.request = request;
            this.move = move;
        }

        @Override
        public void updateStatus(int remaining, int completed, int failed, int warning, String sopInstanceUID) {
            this.remaining = remaining;
            this.completed = completed;
            this.failed = failed;
            this.warning = warning;
            if (remaining > 0) {
                try {
                    association.send(request.pc(), response(ResponseStatus.SubOperationsAreContinuing), null);
                } catch (DicomNetworkException | DicomException | IOException e) {
                    log.debug("pending response not sent: {}", e.getMessage());
                }
            }
        }

        void sendFinal() throws DicomNetworkException, DicomException, IOException {
            failed += remaining;
            remaining = 0;
            association.send(request.pc(), response(failed > 0 ? ResponseStatus.SubOperationsCompleteOneOrMoreFailures
                    : ResponseStatus.SubOperationsCompleteNoFailures), null);
        }

        private byte[] response(int status) throws DicomException, IOException {
            String sopClass = request.affectedSopClass();
            return move
                    ? new CMoveResponseCommandMessage(sopClass, request.messageId(), status, false, remaining,
                            completed, failed, warning).getBytes()
                    : new CGetResponseCommandMessage(sopClass, request.messageId(), status, false, remaining,
                            completed, failed, warning).getBytes();
        }
    }

    /**
     * A C-STORE-RSP with an Error Comment: PixelMed's {@code CStoreResponseCommandMessage} has no place for a reason,
     * so the command set is built as an attribute list and encoded by PixelMed (implicit VR little endian, PS3.7 6.3.1).
     */
    static byte[] storeResponse(CStoreRequestCommandMessage rq, StoreOutcome outcome) throws DicomException, IOException {
        AttributeList list = new AttributeList();
        putUid(list, TagFromName.AffectedSOPClassUID, rq.getAffectedSOPClassUID());
        putUShort(list, TagFromName.CommandField, MessageServiceElementCommand.C_STORE_RSP);
        putUShort(list, TagFromName.MessageIDBeingRespondedTo, rq.getMessageID());
        putUShort(list, TagFromName.CommandDataSetType, NO_DATA_SET);
        putUShort(list, TagFromName.Status, outcome.status());
        putUid(list, TagFromName.AffectedSOPInstanceUID, rq.getAffectedSOPInstanceUID());
        if (outcome.reason() != null) {
            LongStringAttribute comment = new LongStringAttribute(TagFromName.ErrorComment);
            // LO holds 64 characters; the full reason is in our log
            String reason = printable(outcome.reason());
            comment.addValue(reason.length() > 64 ? reason.substring(0, 64) : reason);
            list.put(comment);
        }
        byte[] elements = encode(list, TransferSyntax.ImplicitVRLittleEndian);
        UnsignedLongAttribute groupLength = new UnsignedLongAttribute(COMMAND_GROUP_LENGTH);
        groupLength.addValue(elements.length);
        list.put(groupLength);
        return encode(list, TransferSyntax.ImplicitVRLittleEndian);
    }

    private static void putUid(AttributeList list, AttributeTag tag, String uid) throws DicomException {
        // Echo only what is a UID: a hostile value is not worth repeating to its sender.
        if (uid != null && Uids.isValid(uid)) {
            UniqueIdentifierAttribute a = new UniqueIdentifierAttribute(tag);
            a.addValue(uid);
            list.put(a);
        }
    }

    private static void putUShort(AttributeList list, AttributeTag tag, int value) throws DicomException {
        UnsignedShortAttribute a = new UnsignedShortAttribute(tag);
        a.addValue(value);
        list.put(a);
    }

    /** A command set, or a data set in the context's transfer syntax, encoded by PixelMed. */
    private static byte[] encode(AttributeList list, String transferSyntax) throws DicomException, IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(bytes, null, transferSyntax);
        list.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return sb.toString();
    }
}
