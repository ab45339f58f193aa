package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.dicomstage.dicom.DicomNodeRegistry;
import org.dicomstage.staging.StagingService;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.StudyService;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/** The viewer's API on the shared RT set, staged into the holding node as the review finds it. */
@WebUiTest
@AutoConfigureMockMvc
class ViewerControllerTest {

    private static final String CT = SharedData.RT_CT_SERIES_UID;

    @Autowired
    MockMvc mvc;
    @Autowired
    StudyService studies;
    @Autowired
    DicomNodeRegistry nodes;
    @Autowired
    StagingService staging;
    @Autowired
    ObjectMapper json;

    private long request;

    @BeforeEach
    void stagedRequest() {
        request = StagedRtRequest.open(studies, nodes, staging);
    }

    @Test
    void aNonMemberIsRefusedEveryPartOfTheViewerAndTheRefusalIsAudited() throws Exception {
        String series = "/api/requests/" + request + "/viewer/series/" + CT;
        for (String path : List.of("/api/requests/" + request + "/viewer", series + "/copy", series + "/source",
                series + "/copy/slices/0", series + "/source/slices/0", series + "/copy/contours")) {
            mvc.perform(get(path).with(user(DemoStudyData.OUTSIDER)))
                    .andExpect(status().isForbidden())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                    .andExpect(jsonPath("$.error").value("There is no staging request " + request
                            + " in the studies you may look up."));
        }
        // An id that does not exist reads the same as one in another study.
        mvc.perform(get("/api/requests/987654/viewer/series/" + CT + "/copy/slices/0")
                        .with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isForbidden());
        assertThat(studies.auditFor(DemoStudyData.OUTSIDER, 0, 20).events())
                .anyMatch(e -> e.action().equals("ACCESS_DENIED"));
    }

    @Test
    void aMemberSeesTheCopyBesideTheOriginalAsPngsWithTheContoursOnTheirSlices() throws Exception {
        String manifest = mvc.perform(get("/api/requests/" + request + "/viewer").with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.studySubjectId").value(DemoStudyData.RT_FIXTURE_SUBJECT_ID))
                .andExpect(jsonPath("$.hasStructureSets").value(true))
                .andReturn().getResponse().getContentAsString();
        assertThat(manifest).doesNotContain(DemoStudyData.RT_FIXTURE_PID);
        List<Map<String, Object>> rows = json.readValue(json.readTree(manifest).get("series").toString(),
                json.getTypeFactory().constructCollectionType(List.class, Map.class));
        assertThat(rows).extracting(r -> r.get("modality")).as("image series only").containsExactlyInAnyOrder("CT",
                "RTDOSE");
        assertThat(rows).allMatch(r -> Boolean.TRUE.equals(r.get("hasCopy")))
                .allMatch(r -> "Copy held for review".equals(r.get("copy")));

        String series = "/api/requests/" + request + "/viewer/series/" + CT;
        mvc.perform(get(series + "/copy").with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.modality").value("CT"))
                .andExpect(jsonPath("$.slices.length()").value(5));
        byte[] copy = png(series + "/copy/slices/2?preset=ct-soft-tissue");
        byte[] original = png(series + "/source/slices/2?preset=ct-soft-tissue");
        BufferedImage copyImage = ImageIO.read(new ByteArrayInputStream(copy));
        assertThat(copyImage.getWidth()).isEqualTo(512);
        assertThat(copyImage.getHeight()).isEqualTo(512);
        assertThat(samePixels(copyImage, ImageIO.read(new ByteArrayInputStream(original))))
                .as("the copy's pixels look exactly like the original's").isTrue();
        BufferedImage lung = ImageIO.read(new ByteArrayInputStream(png(series + "/copy/slices/2?preset=ct-lung")));
        assertThat(samePixels(copyImage, lung)).as("another window shows the slice differently").isFalse();

        // Each side's structure set on its own images: the copy's contours find the copy's slices by its UIDs.
        for (String side : List.of("copy", "source")) {
            mvc.perform(get(series + "/" + side + "/contours").with(user(DemoStudyData.RESEARCHER)))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.length()").value(5))
                    .andExpect(jsonPath("$[0].contours[?(@.roiName == 'BODY')].color").value("#00ff00"))
                    .andExpect(jsonPath("$[0].contours[0].path").value(org.hamcrest.Matchers.startsWith("M")));
        }
        mvc.perform(get(series + "/copy/slices/0?preset=rainbow").with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isBadRequest());
        mvc.perform(get(series + "/copy/slices/5").with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isBadRequest());
        assertThat(studies.auditFor(DemoStudyData.RESEARCHER, 0, 50).events()).extracting(e -> e.action())
                .contains(ViewerController.VIEWER_OPENED, ViewerController.VIEWER_SERIES_SHOWN);
    }

    private byte[] png(String path) throws Exception {
        return mvc.perform(get(path).with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.IMAGE_PNG))
                .andReturn().getResponse().getContentAsByteArray();
    }

    private static boolean samePixels(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            return false;
        }
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    return false;
                }
            }
        }
        return true;
    }
}
