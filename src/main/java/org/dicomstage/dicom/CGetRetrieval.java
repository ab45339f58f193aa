package org.dicomstage.dicom;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.CGetRequestCommandMessage;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.CStoreResponseCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.MessageServiceElementCommand;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PresentationDataValue;
import com.pixelmed.utils.ByteArray;

/**
 * The SCU side of one C-GET on an association we opened (PixelMed's GetSOPClassSCU opens its own, so we
 * could not set TCP_NODELAY on it). Each C-STORE sub-operation is streamed to a file in {@code directory},
 * answered, handed to the consumer on the calling thread, then deleted: one instance on disk at a time.
 */
final class CGetRetrieval extends CompositeResponseHandler {

    private static final int STATUS_PENDING = 0xFF00;
    private static final int STATUS_OUT_OF_RESOURCES = 0xA700;
    private static final int NO_DATA_SET = 0x0101;

    private final Path directory;
    private final DicomNode.InstanceConsumer consumer;

    private byte[] commandBytes;
    private byte[] dataBytes;
    private AttributeList command;
    private int commandField = MessageServiceElementCommand.NOCOMMAND;
    private CStoreRequestCommandMessage storeRequest;
    private OutputStream out;
    private Path receiving;
    private IOException receiveFailure;
    private int delivered;
    private int finalStatus = -1;
    private int completed;
    private int failed;
    private int warnings;
    private Exception consumerFailure;

    private CGetRetrieval(Path directory, DicomNode.InstanceConsumer consumer) {
        this.directory = directory;
        this.consumer = consumer;
    }

    /** The outcome of the C-GET as the peer reported it, and how many instances reached the consumer. */
    record Result(int status, int completed, int failed, int warnings, int delivered) {
        boolean successful() {
            return status == 0x0000 || (status == 0xB000 && failed == 0);
        }
    }

    /** Thrown through PixelMed's receive loop when the consumer fails, so the caller can abort. */
    static final class ConsumerFailure extends RuntimeException {
        ConsumerFailure(Throwable cause) {
            super(cause);
        }
    }

    static Result run(Association association, String getSopClass, AttributeList identifier, Path directory,
            DicomNode.InstanceConsumer consumer) throws IOException, DicomException, DicomNetworkException {
        byte pc = association.getSuitablePresentationContextID(getSopClass);
        String ts = association.getTransferSyntaxForPresentationContextID(pc);
        CGetRetrieval handler = new CGetRetrieval(directory, consumer);
        association.setReceivedDataHandler(handler);
        association.send(pc, new CGetRequestCommandMessage(getSopClass).getBytes(), null);
        // Through the association's stream, which cuts it into PDUs the peer accepts: an identifier naming hundreds
        // of instances is larger than one (Orthanc takes 16 KB, and aborts the association on anything larger).
        try (OutputStream data = association.getAssociationOutputStream(pc)) {
            data.write(Dimse.encode(identifier, ts));
        }
        try {
            association.waitForPDataPDUsUntilHandlerReportsDone();
        } catch (AReleaseException e) {
            throw new IOException("peer released the association before the final C-GET response");
        } catch (Exception e) {
            // PixelMed turns our exception into an A-P-ABORT message and drops the cause
            if (handler.consumerFailure != null) {
                throw new ConsumerFailure(handler.consumerFailure);
            }
            throw e;
        } finally {
            handler.discardPartial();
        }
        return new Result(handler.finalStatus, handler.completed, handler.failed, handler.warnings, handler.delivered);
    }

    @Override
    public void sendPDataIndication(PDataPDU pdata, Association association)
            throws DicomNetworkException, DicomException, IOException {
        for (Object o : pdata.getPDVList()) {
            PresentationDataValue pdv = (PresentationDataValue) o;
            if (pdv.isCommand()) {
                onCommandFragment(pdv);
            } else if (commandField == MessageServiceElementCommand.C_STORE_RQ) {
                onStoreData(pdv, association);
            } else if (commandField == MessageServiceElementCommand.C_GET_RSP) {
                dataBytes = ByteArray.concatenate(dataBytes, pdv.getValue());
                if (pdv.isLastFragment()) {
                    // the data set of a final response lists failed instances; the counts say enough
                    dataBytes = null;
                    onGetResponse();
                }
            } else {
                throw new DicomNetworkException("data fragment without a command during C-GET");
            }
        }
    }

    private void onCommandFragment(PresentationDataValue pdv) throws DicomNetworkException, DicomException, IOException {
        commandBytes = ByteArray.concatenate(commandBytes, pdv.getValue());
        if (!pdv.isLastFragment()) {
            return;
        }
        command = getAttributeListFromCommandOrData(commandBytes, TransferSyntax.Default);
        commandBytes = null;
        commandField = Attribute.getSingleIntegerValueOrDefault(command, TagFromName.CommandField, 0xffff);
        if (commandField == MessageServiceElementCommand.C_STORE_RQ) {
            storeRequest = new CStoreRequestCommandMessage(command);
        } else if (commandField == MessageServiceElementCommand.C_GET_RSP) {
            int dataSetType = Attribute.getSingleIntegerValueOrDefault(command, TagFromName.CommandDataSetType, NO_DATA_SET);
            if (dataSetType == NO_DATA_SET) {
                onGetResponse();
            }
        } else {
            throw new DicomNetworkException("unexpected " + MessageServiceElementCommand.toString(commandField) + " during C-GET");
        }
    }

    private void onStoreData(PresentationDataValue pdv, Association association)
            throws DicomNetworkException, DicomException, IOException {
        byte pc = pdv.getPresentationContextID();
        if (out == null && receiveFailure == null) {
            try {
                receiving = Files.createTempFile(directory, "cget-", ".dcm");
                // WRITE only: the default TRUNCATE_EXISTING on this new, empty file makes ext4 flush it at close
                // (its guard for files rewritten in place), which turned every received instance into a disk write.
                out = new BufferedOutputStream(Files.newOutputStream(receiving, StandardOpenOption.WRITE), 1 << 16);
                FileMetaInformation meta = new FileMetaInformation(storeRequest.getAffectedSOPClassUID(),
                        storeRequest.getAffectedSOPInstanceUID(), association.getTransferSyntaxForPresentationContextID(pc),
                        association.getCalledAETitle());
                DicomOutputStream dout = new DicomOutputStream(out, TransferSyntax.ExplicitVRLittleEndian, null);
                meta.getAttributeList().write(dout);
                dout.flush();
            } catch (IOException e) {
                receiveFailure = e;
                discardPartial();
            }
        }
        if (out != null) {
            try {
                out.write(pdv.getValue());
            } catch (IOException e) {
                receiveFailure = e;
                discardPartial();
            }
        }
        if (!pdv.isLastFragment()) {
            return;
        }
        Path received = null;
        int status = 0x0000;
        if (receiveFailure == null && out != null) {
            out.close();
            out = null;
            received = receiving;
            receiving = null;
        } else {
            status = STATUS_OUT_OF_RESOURCES;
        }
        receiveFailure = null;
        // answer first so the peer can send the next instance while the consumer works on this one
        association.send(pc, new CStoreResponseCommandMessage(storeRequest.getAffectedSOPClassUID(),
                storeRequest.getAffectedSOPInstanceUID(), storeRequest.getMessageID(), status).getBytes(), null);
        commandField = MessageServiceElementCommand.NOCOMMAND;
        if (received != null) {
            try {
                consumer.accept(received);
                delivered++;
            } catch (Exception e) {
                consumerFailure = e;
                throw new ConsumerFailure(e);
            } finally {
                Files.deleteIfExists(received);
            }
        }
    }

    private void onGetResponse() {
        int status = Attribute.getSingleIntegerValueOrDefault(command, TagFromName.Status, 0xffff);
        completed = Attribute.getSingleIntegerValueOrDefault(command, TagFromName.NumberOfCompletedSuboperations, completed);
        failed = Attribute.getSingleIntegerValueOrDefault(command, TagFromName.NumberOfFailedSuboperations, failed);
        warnings = Attribute.getSingleIntegerValueOrDefault(command, TagFromName.NumberOfWarningSuboperations, warnings);
        commandField = MessageServiceElementCommand.NOCOMMAND;
        if (status != STATUS_PENDING) {
            finalStatus = status;
            success = status == 0x0000;
            setDone(true);
        }
    }

    private void discardPartial() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // deleting it anyway
            }
            out = null;
        }
        if (receiving != null) {
            try {
                Files.deleteIfExists(receiving);
            } catch (IOException ignored) {
                // temp directory is removed by the caller
            }
            receiving = null;
        }
    }

    @Override
    protected void evaluateStatusAndSetSuccess(AttributeList list) {
        // not used: sendPDataIndication is overridden entirely
    }
}
