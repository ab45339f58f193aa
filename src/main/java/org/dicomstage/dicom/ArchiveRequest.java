package org.dicomstage.dicom;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.Association;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.MessageServiceElementCommand;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PresentationDataValue;
import com.pixelmed.utils.ByteArray;

/**
 * Collects one request: its command set, and its data set, which a C-STORE streams into a file the archive names
 * in its incoming folder (never after anything the peer sent) and anything else keeps, bounded, in memory.
 */
final class ArchiveRequest extends CompositeResponseHandler {

    /** A command set is a few hundred bytes; anything near this is not one. */
    private static final int MAX_COMMAND_BYTES = 64 * 1024;
    /** Query and retrieve identifiers are small; a bigger one is refused before it is parsed. */
    private static final int MAX_IDENTIFIER_BYTES = 1024 * 1024;
    private static final int NO_DATA_SET = ArchiveAssociation.NO_DATA_SET;

    private final EmbeddedArchive archive;
    private byte[] commandBytes;
    private AttributeList commandList;
    private int command = -1;
    private byte pc;
    private byte[] data;
    private boolean dataTooLarge;
    private Path received;
    private OutputStream out;
    private ArchiveAssociation.StoreOutcome refusal;
    private String identifierProblem;

    ArchiveRequest(EmbeddedArchive archive) {
        this.archive = archive;
    }

    int command() {
        return command;
    }

    AttributeList commandList() {
        return commandList;
    }

    byte pc() {
        return pc;
    }

    Path received() {
        return received;
    }

    ArchiveAssociation.StoreOutcome refusal() {
        return refusal;
    }

    String identifierProblem() {
        return identifierProblem;
    }

    @Override
    public void sendPDataIndication(PDataPDU pdata, Association association)
            throws DicomNetworkException, DicomException, IOException {
        for (Object o : pdata.getPDVList()) {
            PresentationDataValue pdv = (PresentationDataValue) o;
            pc = pdv.getPresentationContextID();
            if (pdv.isCommand()) {
                command(pdv, association);
            } else {
                data(pdv);
            }
        }
    }

    private void command(PresentationDataValue pdv, Association association)
            throws DicomNetworkException, DicomException, IOException {
        commandBytes = ByteArray.concatenate(commandBytes, pdv.getValue());
        if (commandBytes.length > MAX_COMMAND_BYTES) {
            throw new DicomNetworkException("command set longer than " + MAX_COMMAND_BYTES + " bytes");
        }
        if (!pdv.isLastFragment()) {
            return;
        }
        commandList = getAttributeListFromCommandOrData(commandBytes, TransferSyntax.Default);
        command = Attribute.getSingleIntegerValueOrDefault(commandList,
                TagFromName.CommandField, 0xFFFF);
        int dataSetType = Attribute.getSingleIntegerValueOrDefault(commandList,
                TagFromName.CommandDataSetType, NO_DATA_SET);
        if (command == MessageServiceElementCommand.C_STORE_RQ) {
            prepareStore(association);
        }
        if (dataSetType == NO_DATA_SET) {
            setDone(true);
        }
    }

    private void prepareStore(Association association) throws DicomNetworkException, IOException {
        String sopClass = Attribute.getSingleStringValueOrEmptyString(commandList,
                TagFromName.AffectedSOPClassUID);
        String sopInstance = Attribute.getSingleStringValueOrEmptyString(commandList,
                TagFromName.AffectedSOPInstanceUID);
        if (!Uids.isValid(sopInstance)) {
            refusal = ArchiveAssociation.StoreOutcome.refused(ArchiveAssociation.CANNOT_UNDERSTAND, "Affected SOP Instance UID is not a valid UID");
            return;
        }
        if (!Uids.isValid(sopClass)) {
            refusal = ArchiveAssociation.StoreOutcome.refused(ArchiveAssociation.CANNOT_UNDERSTAND, "Affected SOP Class UID is not a valid UID");
            return;
        }
        received = archive.newIncomingFile();
        out = Files.newOutputStream(received, StandardOpenOption.WRITE);
        try {
            DicomOutputStream meta = new DicomOutputStream(out, TransferSyntax.ExplicitVRLittleEndian, null);
            new FileMetaInformation(sopClass, sopInstance, association.getTransferSyntaxForPresentationContextID(pc),
                    association.getCallingAETitle()).getAttributeList().write(meta);
            meta.flush();
        } catch (DicomException e) {
            refusal = ArchiveAssociation.StoreOutcome.refused(ArchiveAssociation.CANNOT_UNDERSTAND, "cannot write file meta information: "
                    + e.getMessage());
            closeOutput();
        }
    }

    private void data(PresentationDataValue pdv) throws IOException {
        if (command == MessageServiceElementCommand.C_STORE_RQ) {
            if (out != null) {
                out.write(pdv.getValue());
            }
        } else if (!dataTooLarge) {
            data = ByteArray.concatenate(data, pdv.getValue());
            if (data.length > MAX_IDENTIFIER_BYTES) {
                dataTooLarge = true;
                data = null;
            }
        }
        if (pdv.isLastFragment()) {
            closeOutput();
            setDone(true);
        }
    }

    void closeOutput() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                refusal = ArchiveAssociation.StoreOutcome.refused(ArchiveAssociation.OUT_OF_RESOURCES, "cannot write the received instance: "
                        + e.getMessage());
            }
            out = null;
        }
    }

    String affectedSopClass() {
        return Attribute.getSingleStringValueOrEmptyString(commandList,
                TagFromName.AffectedSOPClassUID);
    }

    int messageId() {
        return Attribute.getSingleIntegerValueOrDefault(commandList, TagFromName.MessageID, 0);
    }

    /**
     * The query or retrieve identifier, checked against {@link DicomLimits} before PixelMed parses it; null (and
     * {@link #identifierProblem} set) when it is too big, malformed or too deep.
     */
    AttributeList identifier(Association association) {
        if (dataTooLarge || data == null) {
            identifierProblem = dataTooLarge ? "identifier longer than " + MAX_IDENTIFIER_BYTES + " bytes"
                    : "no identifier";
            return null;
        }
        try {
            String ts = association.getTransferSyntaxForPresentationContextID(pc);
            AttributeList list = new AttributeList();
            PixelDataDigest.checkStructure(data, new TransferSyntax(ts), "identifier");
            list.read(new DicomInputStream(new ByteArrayInputStream(data), ts, false));
            return list;
        } catch (IllegalArgumentException | DicomNetworkException | DicomException | IOException e) {
            identifierProblem = ArchiveAssociation.printable(e.getMessage());
        } catch (StackOverflowError | OutOfMemoryError e) {
            identifierProblem = "identifier cannot be parsed: " + e;
        }
        return null;
    }

    @Override
    protected void evaluateStatusAndSetSuccess(AttributeList list) {
    }
}
