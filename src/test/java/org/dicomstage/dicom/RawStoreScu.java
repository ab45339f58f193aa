package org.dicomstage.dicom;

import java.util.LinkedList;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.PresentationContext;

/**
 * A C-STORE SCU that sends a command and a data set exactly as given, so a test can say any Affected SOP Instance
 * UID and send bytes no toolkit would write (PixelMed's and dcmtk's SCUs take both from a file they parse).
 */
final class RawStoreScu implements AutoCloseable {

    /** The C-STORE-RSP: its status and Error Comment. */
    record Response(int status, String errorComment) {
    }

    private final Association association;
    private final byte pc;
    private final String sopClass;

    RawStoreScu(int port, String calledAe, String callingAe, String sopClass, String transferSyntax) throws Exception {
        LinkedList<PresentationContext> contexts = new LinkedList<>();
        contexts.add(new PresentationContext((byte) 1, sopClass, transferSyntax));
        this.association = AssociationFactory.createNewAssociation("127.0.0.1", port, calledAe, callingAe, contexts,
                null, false);
        this.pc = association.getSuitablePresentationContextID(sopClass, transferSyntax);
        this.sopClass = sopClass;
    }

    Response store(String affectedSopInstanceUid, byte[] dataset) throws Exception {
        Handler handler = new Handler();
        association.setReceivedDataHandler(handler);
        association.send(pc, new CStoreRequestCommandMessage(sopClass, affectedSopInstanceUid).getBytes(), dataset);
        association.waitForCommandPDataPDUs();
        return new Response(handler.status, handler.comment);
    }

    @Override
    public void close() throws Exception {
        association.release();
    }

    private static final class Handler extends CompositeResponseHandler {
        private int status = -1;
        private String comment;

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
            status = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Status, -1);
            comment = Attribute.getSingleStringValueOrNull(list, TagFromName.ErrorComment);
        }
    }
}
