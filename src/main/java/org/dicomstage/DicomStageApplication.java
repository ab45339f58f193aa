package org.dicomstage;

import java.util.Arrays;

import org.dicomstage.pseudonym.PseudonymizeCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class DicomStageApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("pseudonymize")) {
            // A batch tool: no Spring context, no database, no web server.
            System.exit(PseudonymizeCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        SpringApplication.run(DicomStageApplication.class, args);
    }
}
