package org.dicomstage;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class DicomStageApplication {

    public static void main(String[] args) {
        SpringApplication.run(DicomStageApplication.class, args);
    }
}
