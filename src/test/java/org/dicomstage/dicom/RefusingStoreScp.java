package org.dicomstage.dicom;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.CStoreResponseCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.MessageServiceElementCommand;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PresentationDataValue;
import com.pixelmed.utils.ByteArray;

/** A storage SCP that receives every instance and answers each C-STORE with a failure status. */
final class RefusingStoreScp implements AutoCloseable {

    static final int STATUS = 0xA700;

    private final ServerSocket server;
    private final Thread thread;

    RefusingStoreScp() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "refusing-scp");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                Association association = AssociationFactory.createNewAssociation(socket, "REFUSE",
                        new ScpServer.AcceptingPolicy());
                while (true) {
                    Handler handler = new Handler();
                    association.setReceivedDataHandler(handler);
                    association.waitForPDataPDUsUntilHandlerReportsDone();
                    association.send(handler.pc, new CStoreResponseCommandMessage(handler.request.getAffectedSOPClassUID(),
                            handler.request.getAffectedSOPInstanceUID(), handler.request.getMessageID(), STATUS).getBytes(), null);
                }
            } catch (AReleaseException e) {
                // next association
            } catch (Exception e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private static final class Handler extends CompositeResponseHandler {
        private byte[] command;
        private CStoreRequestCommandMessage request;
        private byte pc;

        @Override
        public void sendPDataIndication(PDataPDU pdata, Association association) {
            try {
                for (Object o : pdata.getPDVList()) {
                    PresentationDataValue pdv = (PresentationDataValue) o;
                    pc = pdv.getPresentationContextID();
                    if (pdv.isCommand()) {
                        command = ByteArray.concatenate(command, pdv.getValue());
                        if (pdv.isLastFragment()) {
                            AttributeList list = getAttributeListFromCommandOrData(command, TransferSyntax.Default);
                            if (Attribute.getSingleIntegerValueOrDefault(list, TagFromName.CommandField, 0)
                                    == MessageServiceElementCommand.C_STORE_RQ) {
                                request = new CStoreRequestCommandMessage(list);
                            }
                        }
                    } else if (pdv.isLastFragment()) {
                        setDone(true);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
