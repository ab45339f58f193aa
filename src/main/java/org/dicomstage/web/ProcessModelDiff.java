package org.dicomstage.web;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * What a new process model changes against a deployed one, element by element (by BPMN id), in words an admin can
 * check before deploying: "Stage series (StageSeries): zeebe:taskDefinition retries: 5 → 3". Layout and formatting
 * are not changes of an element; a moved shape only sets {@link Changes#layoutChanged()}.
 *
 * <p>An element is anything with an id directly inside the definitions, a process or a sub-process: flow nodes,
 * sequence flows, messages, errors. What nests inside it (event definitions, extension elements, conditions,
 * documentation) belongs to it; the incoming/outgoing lists repeat the flows and are left out.
 */
final class ProcessModelDiff {

    static final String BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    static final String BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI";
    static final String ZEEBE = "http://camunda.org/schema/zeebe/1.0";
    private static final String XSI = XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI;
    private static final List<String> CONTAINERS = List.of("definitions", "process", "subProcess",
            "adHocSubProcess", "transaction", "collaboration");
    /** Attributes that tell repeated siblings apart better than their position (headers, mappings, DI shapes). */
    private static final List<String> DISCRIMINATORS = List.of("key", "target", "bpmnElement", "eventType");
    private static final int VALUE_LIMIT = 120;
    /**
     * BPMN 2.0 schema defaults (Semantic.xsd): written out or left away, they mean the same. The Zeebe model API
     * writes them, bpmn-js does not.
     */
    private static final Map<String, List<String>> DEFAULTS = Map.ofEntries(
            Map.entry("textFormat", List.of("text/plain")), Map.entry("isClosed", List.of("false")),
            Map.entry("processType", List.of("None")), Map.entry("isInterrupting", List.of("true")),
            Map.entry("parallelMultiple", List.of("false")), Map.entry("gatewayDirection", List.of("Unspecified")),
            Map.entry("completionQuantity", List.of("1")), Map.entry("startQuantity", List.of("1")),
            Map.entry("isForCompensation", List.of("false")), Map.entry("cancelActivity", List.of("true")),
            Map.entry("implementation", List.of("##unspecified", "##WebService")),
            Map.entry("triggeredByEvent", List.of("false")), Map.entry("behavior", List.of("All")),
            Map.entry("isSequential", List.of("false")));

    private ProcessModelDiff() {
    }

    /** One element as the diff names it, with what changed in it (empty for added and removed ones). */
    record ElementChange(String id, String name, String type, List<String> details) {

        /** "Stage series (StageSeries)", or the id alone for an unnamed element. */
        String label() {
            return name == null || name.isBlank() ? id : name + " (" + id + ")";
        }
    }

    record Changes(List<ElementChange> added, List<ElementChange> removed, List<ElementChange> changed,
                   boolean layoutChanged) {

        boolean none() {
            return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
        }

        /** One line for the audit: counts, then each element and its changes. */
        String summary() {
            if (none()) {
                return layoutChanged ? "layout only" : "no change";
            }
            List<String> parts = new ArrayList<>();
            added.forEach(e -> parts.add("added " + e.type() + " " + e.label()));
            removed.forEach(e -> parts.add("removed " + e.type() + " " + e.label()));
            changed.forEach(e -> parts.add("changed " + e.label() + ": " + String.join(", ", e.details())));
            if (layoutChanged) {
                parts.add("layout changed");
            }
            return added.size() + " added, " + removed.size() + " removed, " + changed.size() + " changed: "
                    + String.join("; ", parts);
        }
    }

    /** Both arguments are BPMN XML; {@code before} null means nothing is deployed yet, so every element is added. */
    static Changes between(String before, String after) {
        Model old = before == null ? new Model(Map.of(), Map.of()) : Model.of(before);
        Model now = Model.of(after);
        List<ElementChange> added = new ArrayList<>();
        List<ElementChange> removed = new ArrayList<>();
        List<ElementChange> changed = new ArrayList<>();
        now.elements().forEach((id, element) -> {
            Item previous = old.elements().get(id);
            if (previous == null) {
                added.add(element.change(List.of()));
            } else if (!previous.equals(element)) {
                changed.add(element.change(details(previous, element)));
            }
        });
        old.elements().forEach((id, element) -> {
            if (!now.elements().containsKey(id)) {
                removed.add(element.change(List.of()));
            }
        });
        return new Changes(added, removed, changed, !old.layout().equals(now.layout()) && before != null);
    }

    private static List<String> details(Item before, Item after) {
        List<String> details = new ArrayList<>();
        if (!before.type().equals(after.type())) {
            details.add("type: " + words(before.type()) + " → " + words(after.type()));
        }
        after.properties().forEach((key, value) -> {
            String old = before.properties().get(key);
            if (old == null) {
                details.add(key + ": set to " + quoted(value));
            } else if (!old.equals(value)) {
                details.add(key + ": " + quoted(old) + " → " + quoted(value));
            }
        });
        before.properties().forEach((key, value) -> {
            if (!after.properties().containsKey(key)) {
                details.add(key + ": " + quoted(value) + " removed");
            }
        });
        return details;
    }

    private static String quoted(String value) {
        String shown = value.length() > VALUE_LIMIT ? value.substring(0, VALUE_LIMIT - 1) + "…" : value;
        return "'" + shown + "'";
    }

    /** "serviceTask" → "service task". */
    static String words(String localName) {
        return localName.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }

    /** An element's BPMN type, name and everything it holds, flattened to path → value. */
    private record Item(String id, String type, String name, Map<String, String> properties) {

        ElementChange change(List<String> details) {
            return new ElementChange(id, name, words(type), details);
        }
    }

    private record Model(Map<String, Item> elements, Map<String, String> layout) {

        static Model of(String xml) {
            Element definitions = parse(xml).getDocumentElement();
            Map<String, Item> elements = new LinkedHashMap<>();
            collect(definitions, elements);
            Map<String, String> layout = new TreeMap<>();
            for (Element child : children(definitions)) {
                if (BPMNDI.equals(child.getNamespaceURI())) {
                    flatten(child, label(child), layout);
                }
            }
            return new Model(elements, layout);
        }
    }

    private static void collect(Element container, Map<String, Item> elements) {
        for (Element child : children(container)) {
            if (!isElement(child)) {
                continue;
            }
            Map<String, String> properties = new TreeMap<>();
            attributes(child, "", properties);
            for (Element nested : children(child)) {
                if (!isElement(nested) && !List.of("incoming", "outgoing").contains(nested.getLocalName())) {
                    flatten(nested, label(nested) + discriminator(child, nested), properties);
                }
            }
            String name = child.hasAttribute("name") ? child.getAttribute("name") : null;
            elements.put(child.getAttribute("id"),
                    new Item(child.getAttribute("id"), child.getLocalName(), name, properties));
            if (CONTAINERS.contains(child.getLocalName())) {
                collect(child, elements);
            }
        }
    }

    /** A BPMN element with an id inside a container: one entry of the diff. */
    private static boolean isElement(Element e) {
        Node parent = e.getParentNode();
        return BPMN.equals(e.getNamespaceURI()) && e.hasAttribute("id") && parent instanceof Element p
                && BPMN.equals(p.getNamespaceURI()) && CONTAINERS.contains(p.getLocalName());
    }

    private static void flatten(Element e, String path, Map<String, String> into) {
        attributes(e, path + " ", into);
        List<Element> nested = children(e);
        if (nested.isEmpty()) {
            String text = e.getTextContent().trim();
            if (!text.isEmpty()) {
                into.put(path, text);
            } else if (e.getAttributes().getLength() == 0 && !"extensionElements".equals(e.getLocalName())) {
                // An empty marker element such as zeebe:userTask: its presence is what counts.
                into.put(path, "present");
            }
        }
        for (Element child : nested) {
            String childPath = "extensionElements".equals(e.getLocalName()) && path.endsWith("extensionElements")
                    ? path.substring(0, path.length() - "extensionElements".length()) + label(child)
                    : path + " › " + label(child);
            flatten(child, childPath + discriminator(e, child), into);
        }
    }

    private static void attributes(Element e, String prefix, Map<String, String> into) {
        NamedNodeMap attributes = e.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr a = (Attr) attributes.item(i);
            String ns = a.getNamespaceURI();
            if ("id".equals(a.getLocalName()) && ns == null || XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(ns)
                    || XSI.equals(ns) || ns == null && BPMN.equals(e.getNamespaceURI())
                    && DEFAULTS.getOrDefault(a.getLocalName(), List.of()).contains(a.getValue())) {
                continue;
            }
            String name = ns == null ? a.getLocalName() : a.getPrefix() + ":" + a.getLocalName();
            into.put((prefix + name).strip(), a.getValue());
        }
    }

    /** How a repeated child is told apart from its siblings of the same name: a key attribute, else its position. */
    private static String discriminator(Element parent, Element child) {
        for (String attribute : DISCRIMINATORS) {
            if (child.hasAttribute(attribute)) {
                return " \"" + child.getAttribute(attribute) + "\"";
            }
        }
        List<Element> same = children(parent).stream()
                .filter(c -> Objects.equals(c.getNamespaceURI(), child.getNamespaceURI())
                        && c.getLocalName().equals(child.getLocalName())).toList();
        return same.size() > 1 ? " [" + (same.indexOf(child) + 1) + "]" : "";
    }

    /** BPMN's own elements by local name; extensions with their prefix ("zeebe:taskDefinition"). */
    private static String label(Element e) {
        if (BPMN.equals(e.getNamespaceURI())) {
            return e.getLocalName();
        }
        String prefix = ZEEBE.equals(e.getNamespaceURI()) ? "zeebe" : e.getPrefix();
        return prefix == null ? e.getLocalName() : prefix + ":" + e.getLocalName();
    }

    private static List<Element> children(Element e) {
        List<Element> found = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                found.add(child);
            }
        }
        return found;
    }

    private static org.w3c.dom.Document parse(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            // The XML comes from a browser: no DTD, no external entity, nothing fetched.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalArgumentException("Not a BPMN model: " + e.getMessage(), e);
        }
    }
}
