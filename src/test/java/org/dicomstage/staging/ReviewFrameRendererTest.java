package org.dicomstage.staging;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.Test;

/** The viewer's PNGs of the shared CT: windowed as asked, and kept in memory only up to the bound. */
class ReviewFrameRendererTest {

    @Test
    void rendersEachSliceOnceAndKeepsNoMoreThanTheBound() throws Exception {
        List<Path> slices;
        try (Stream<Path> files = Files.list(SharedData.rtSet().resolve("CT"))) {
            slices = files.sorted().toList();
        }
        ReviewFrameRenderer unbounded = new ReviewFrameRenderer(Long.MAX_VALUE);
        byte[] first = unbounded.render("0", slices.get(0), 0, ReviewImages.Preset.CT_SOFT_TISSUE.window());
        long size = first.length;
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(first));
        assertThat(image.getWidth()).isEqualTo(512);
        assertThat(image.getHeight()).isEqualTo(512);
        assertThat(unbounded.render("0", slices.get(0), 0, ReviewImages.Preset.CT_SOFT_TISSUE.window()))
                .as("the second time from memory").isSameAs(first);
        byte[] lung = unbounded.render("0-lung", slices.get(0), 0, ReviewImages.Preset.CT_LUNG.window());
        assertThat(lung).as("another window, another image").isNotEqualTo(first);

        // Room for about two slices: rendering all five leaves the last ones, the first ones are gone.
        ReviewFrameRenderer bounded = new ReviewFrameRenderer(size * 5 / 2);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < slices.size(); i++) {
            keys.add("slice " + i);
            bounded.render(keys.get(i), slices.get(i), 0, ReviewImages.Preset.CT_SOFT_TISSUE.window());
        }
        assertThat(bounded.cached(keys.get(slices.size() - 1))).isNotNull();
        assertThat(bounded.cached(keys.get(0))).isNull();
        assertThat(keys.stream().filter(k -> bounded.cached(k) != null).count()).isBetween(1L, 3L);
    }
}
