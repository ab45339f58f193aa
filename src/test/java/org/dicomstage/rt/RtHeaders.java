package org.dicomstage.rt;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dicomstage.dicom.SeriesEntry;

/** In-memory RT headers for tests, built the way the objects carry their references. */
final class RtHeaders {

    static final String STUDY = "2.25.1000";

    private RtHeaders() {
    }

    static AttributeList header(String modality, String sopClass, String seriesUid, String sopUid) {
        AttributeList list = new AttributeList();
        put(list, RtTags.Modality, modality);
        put(list, RtTags.SOPClassUID, sopClass);
        put(list, RtTags.SeriesInstanceUID, seriesUid);
        put(list, RtTags.SOPInstanceUID, sopUid);
        return list;
    }

    static AttributeList structureSet(String seriesUid, String sopUid, String label, String... imageSeriesUids) {
        AttributeList rs = header("RTSTRUCT", SOPClass.RTStructureSetStorage, seriesUid, sopUid);
        put(rs, RtTags.StructureSetLabel, label);
        SequenceAttribute series = new SequenceAttribute(RtTags.RTReferencedSeriesSequence);
        for (String uid : imageSeriesUids) {
            AttributeList item = new AttributeList();
            put(item, RtTags.SeriesInstanceUID, uid);
            item.put(sequence(RtTags.ContourImageSequence, uid + ".1", uid + ".2"));
            series.addItem(item);
        }
        AttributeList study = new AttributeList();
        study.put(series);
        AttributeList frame = new AttributeList();
        frame.put(sequenceOf(RtTags.RTReferencedStudySequence, study));
        rs.put(sequenceOf(RtTags.ReferencedFrameOfReferenceSequence, frame));
        return rs;
    }

    static AttributeList plan(String seriesUid, String sopUid, String label, String approvalStatus,
            String... structureSetSops) {
        AttributeList rp = header("RTPLAN", SOPClass.RTPlanStorage, seriesUid, sopUid);
        put(rp, RtTags.RTPlanLabel, label);
        put(rp, RtTags.RTPlanName, label + " name");
        if (approvalStatus != null) {
            put(rp, RtTags.ApprovalStatus, approvalStatus);
        }
        rp.put(sequence(RtTags.ReferencedStructureSetSequence, structureSetSops));
        return rp;
    }

    static AttributeList dose(String seriesUid, String sopUid, String planSop, String structureSetSop) {
        AttributeList rd = header("RTDOSE", SOPClass.RTDoseStorage, seriesUid, sopUid);
        put(rd, RtTags.DoseSummationType, "PLAN");
        if (planSop != null) {
            rd.put(sequence(RtTags.ReferencedRTPlanSequence, planSop));
        }
        if (structureSetSop != null) {
            rd.put(sequence(RtTags.ReferencedStructureSetSequence, structureSetSop));
        }
        return rd;
    }

    static AttributeList referencingPlans(String modality, String sopClass, String seriesUid, String sopUid,
            String... planSops) {
        AttributeList list = header(modality, sopClass, seriesUid, sopUid);
        list.put(sequence(RtTags.ReferencedRTPlanSequence, planSops));
        return list;
    }

    /** A spatial registration between the series, naming one image of each in its RegistrationSequence too. */
    static AttributeList registration(String seriesUid, String sopUid, String... imageSeriesUids) {
        AttributeList reg = header("REG", SOPClass.SpatialRegistrationStorage, seriesUid, sopUid);
        SequenceAttribute registrations = new SequenceAttribute(RtTags.RegistrationSequence);
        for (String uid : imageSeriesUids) {
            AttributeList item = new AttributeList();
            item.put(sequence(RtTags.ReferencedImageSequence, uid + ".1"));
            registrations.addItem(item);
        }
        reg.put(registrations);
        reg.put(referencedSeries(imageSeriesUids));
        return reg;
    }

    static AttributeList segmentation(String seriesUid, String sopUid, String... imageSeriesUids) {
        AttributeList seg = header("SEG", SOPClass.SegmentationStorage, seriesUid, sopUid);
        seg.put(referencedSeries(imageSeriesUids));
        return seg;
    }

    private static SequenceAttribute referencedSeries(String... seriesUids) {
        SequenceAttribute sq = new SequenceAttribute(RtTags.ReferencedSeriesSequence);
        for (String uid : seriesUids) {
            AttributeList item = new AttributeList();
            put(item, RtTags.SeriesInstanceUID, uid);
            item.put(sequence(RtTags.ReferencedInstanceSequence, uid + ".1", uid + ".2"));
            sq.addItem(item);
        }
        return sq;
    }

    /** A sequence of items that each hold one ReferencedSOPInstanceUID. */
    static SequenceAttribute sequence(AttributeTag tag, String... referencedSops) {
        SequenceAttribute sq = new SequenceAttribute(tag);
        for (String sop : referencedSops) {
            AttributeList item = new AttributeList();
            put(item, RtTags.ReferencedSOPInstanceUID, sop);
            sq.addItem(item);
        }
        return sq;
    }

    private static SequenceAttribute sequenceOf(AttributeTag tag, AttributeList item) {
        SequenceAttribute sq = new SequenceAttribute(tag);
        sq.addItem(item);
        return sq;
    }

    static void put(AttributeList list, AttributeTag tag, String value) {
        try {
            Attribute attribute = AttributeFactory.newAttribute(tag);
            attribute.addValue(value);
            list.put(attribute);
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
    }

    static SeriesEntry entry(String seriesUid, String modality, String description, int count) {
        return new SeriesEntry(STUDY, seriesUid, modality, description, null, count);
    }

    /** The series C-FIND would answer for these instances. */
    static List<SeriesEntry> seriesOf(Collection<AttributeList> instances) {
        Map<String, List<AttributeList>> bySeries = new LinkedHashMap<>();
        for (AttributeList list : instances) {
            bySeries.computeIfAbsent(Attribute.getSingleStringValueOrEmptyString(list, RtTags.SeriesInstanceUID),
                    k -> new ArrayList<>()).add(list);
        }
        List<SeriesEntry> entries = new ArrayList<>();
        bySeries.forEach((uid, lists) -> {
            AttributeList first = lists.get(0);
            entries.add(new SeriesEntry(
                    Attribute.getSingleStringValueOrEmptyString(first, TagFromName.StudyInstanceUID),
                    uid,
                    Attribute.getSingleStringValueOrEmptyString(first, RtTags.Modality),
                    Attribute.getSingleStringValueOrEmptyString(first, RtTags.SeriesDescription),
                    Attribute.getSingleStringValueOrEmptyString(first, RtTags.SeriesNumber),
                    lists.size()));
        });
        return entries;
    }

    /** Every DICOM file under dir, read whole (the fixtures are small). */
    static List<AttributeList> readAll(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            List<AttributeList> lists = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".dcm")).sorted().toList()) {
                AttributeList list = new AttributeList();
                list.read(file.toFile());
                lists.add(list);
            }
            return lists;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Only the headers a caller would fetch: those of series for which needsHeaders is true. */
    static List<AttributeList> rtHeadersOf(Collection<AttributeList> instances) {
        return instances.stream()
                .filter(l -> RtTreeBuilder.needsHeaders(Attribute.getSingleStringValueOrNull(l, RtTags.Modality)))
                .toList();
    }
}
