package org.dicomstage.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArchiveIndexTest {

    @Test
    void matchesWildcardsCaseAndLists() {
        assertThat(ArchiveIndex.matchesValue("HNC*", "HNC-0522c0009", "LO")).isTrue();
        assertThat(ArchiveIndex.matchesValue("HNC-0522c000?", "HNC-0522c0009", "LO")).isTrue();
        assertThat(ArchiveIndex.matchesValue("hnc*", "HNC-0522c0009", "LO")).isFalse();
        assertThat(ArchiveIndex.matchesValue("doe^j*", "Doe^John", "PN")).isTrue();
        assertThat(ArchiveIndex.matchesValue("1.2.3\\1.2.4", "1.2.4", "UI")).isTrue();
        assertThat(ArchiveIndex.matchesValue("1.2.*", "1.2.4", "UI")).isFalse();
        assertThat(ArchiveIndex.matchesValue("CT", "RTSTRUCT\\CT", "CS")).isTrue();
        assertThat(ArchiveIndex.matchesValue("MR", "RTSTRUCT\\CT", "CS")).isFalse();
        assertThat(ArchiveIndex.matchesValue("a.b", "axb", "LO")).isFalse();
    }

    @Test
    void matchesDateRanges() {
        assertThat(ArchiveIndex.matchesValue("20200101-20201231", "20200615", "DA")).isTrue();
        assertThat(ArchiveIndex.matchesValue("20200101-", "20190615", "DA")).isFalse();
        assertThat(ArchiveIndex.matchesValue("-20200101", "20190615", "DA")).isTrue();
        assertThat(ArchiveIndex.matchesValue("20200101-20201231", "", "DA")).isFalse();
    }
}
