package dev.descent.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Writes the BOM that a user imports, from the build's own module list, so that every published module is in it
 * and no module has to be listed twice.
 *
 * <p>The modules are those of the root pom's {@code <modules>}, followed into any module that has modules of its
 * own. A module is left out when it is the BOM itself, or when its pom sets the property
 * {@code <descent.bom.skip>true</descent.bom.skip>} (tools, examples, benchmarks and tests, which nobody depends
 * on). Each entry pins the BOM's own version; a module of packaging {@code pom} is entered with
 * {@code <type>pom</type>}. The BOM's coordinates, name and description come from its source pom, and the written
 * BOM is standalone (no parent), so importing it pins Descent's artifacts and nothing else.
 *
 * <p>Usage: {@code BomGenerator ROOT_POM BOM_POM OUTPUT}.
 */
public final class BomGenerator {
    /** The property with which a module keeps itself out of the BOM. */
    public static final String SKIP = "descent.bom.skip";

    /** One module the BOM pins. */
    public record Entry(String groupId, String artifactId, String type) {
    }

    private BomGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("BomGenerator: expected ROOT_POM BOM_POM OUTPUT, got " + List.of(args));
        }
        List<Entry> entries = write(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]));
        System.out.println("BomGenerator: " + entries.size() + " module(s) in " + args[2]);
    }

    /**
     * Writes the BOM for the build whose root pom is {@code rootPom} to {@code output} (only when its text changes)
     * and returns its entries, in module order.
     */
    public static List<Entry> write(Path rootPom, Path bomPom, Path output) throws IOException {
        Element bom = read(bomPom);
        String groupId = required(bom, "groupId", bomPom);
        String artifactId = required(bom, "artifactId", bomPom);
        String version = required(bom, "version", bomPom);
        List<Entry> entries = entries(rootPom, bomPom);
        String text = render(groupId, artifactId, version, child(bom, "name"), child(bom, "description"), entries);
        Files.createDirectories(output.toAbsolutePath().getParent());
        if (!Files.exists(output) || !Files.readString(output, StandardCharsets.UTF_8).equals(text)) {
            Files.writeString(output, text, StandardCharsets.UTF_8);
        }
        return entries;
    }

    /** The modules under {@code rootPom} that the BOM pins, in module order, the BOM's own pom left out. */
    public static List<Entry> entries(Path rootPom, Path bomPom) throws IOException {
        List<Entry> out = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        seen.add(bomPom.toAbsolutePath().normalize());
        collect(rootPom.toAbsolutePath().normalize(), null, true, seen, out);
        return out;
    }

    private static void collect(Path pom, String inheritedGroup, boolean root, Set<Path> seen, List<Entry> out)
            throws IOException {
        Element project = read(pom);
        String groupId = child(project, "groupId");
        if (groupId == null) groupId = parentGroup(project, inheritedGroup, pom);
        if (!root && !"true".equals(property(project, SKIP))) {
            String packaging = child(project, "packaging");
            out.add(new Entry(groupId, required(project, "artifactId", pom),
                    "pom".equals(packaging) ? "pom" : null));
        }
        Element modules = element(project, "modules");
        if (modules == null) return;
        for (Node n = modules.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element e) || !"module".equals(e.getTagName())) continue;
            Path dir = pom.getParent().resolve(e.getTextContent().trim()).normalize();
            Path modulePom = Files.isDirectory(dir) ? dir.resolve("pom.xml") : dir;
            if (!seen.add(modulePom)) continue;
            if (!Files.isRegularFile(modulePom)) {
                throw new IOException("BomGenerator: module '" + e.getTextContent().trim() + "' of " + pom
                        + " has no pom at " + modulePom);
            }
            collect(modulePom, groupId, false, seen, out);
        }
    }

    private static String parentGroup(Element project, String inherited, Path pom) throws IOException {
        Element parent = element(project, "parent");
        String group = parent == null ? null : child(parent, "groupId");
        if (group != null) return group;
        if (inherited != null) return inherited;
        throw new IOException("BomGenerator: " + pom + " names no groupId and has no parent");
    }

    static String render(String groupId, String artifactId, String version, String name, String description,
            List<Entry> entries) {
        StringBuilder s = new StringBuilder();
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<project xmlns=\"http://maven.apache.org/POM/4.0.0\"\n")
                .append("         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n")
                .append("         xsi:schemaLocation=\"http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd\">\n")
                .append("  <modelVersion>4.0.0</modelVersion>\n")
                .append("  <groupId>").append(escape(groupId)).append("</groupId>\n")
                .append("  <artifactId>").append(escape(artifactId)).append("</artifactId>\n")
                .append("  <version>").append(escape(version)).append("</version>\n")
                .append("  <packaging>pom</packaging>\n");
        if (name != null) s.append("  <name>").append(escape(name)).append("</name>\n");
        if (description != null) {
            s.append("  <description>").append(escape(description.replaceAll("\\s+", " "))).append("</description>\n");
        }
        s.append("  <dependencyManagement>\n    <dependencies>\n");
        for (Entry e : entries) {
            s.append("      <dependency><groupId>").append(escape(e.groupId())).append("</groupId><artifactId>")
                    .append(escape(e.artifactId())).append("</artifactId><version>").append(escape(version))
                    .append("</version>");
            if (e.type() != null) s.append("<type>").append(escape(e.type())).append("</type>");
            s.append("</dependency>\n");
        }
        return s.append("    </dependencies>\n  </dependencyManagement>\n</project>\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static Element read(Path pom) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder b = f.newDocumentBuilder();
            Document d = b.parse(pom.toFile());
            return d.getDocumentElement();
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("BomGenerator: cannot read " + pom + ": " + e.getMessage(), e);
        }
    }

    private static Element element(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && tag.equals(e.getTagName())) return e;
        }
        return null;
    }

    private static String child(Element parent, String tag) {
        Element e = element(parent, tag);
        return e == null ? null : e.getTextContent().trim();
    }

    private static String required(Element parent, String tag, Path pom) throws IOException {
        String value = child(parent, tag);
        if (value == null || value.isEmpty()) throw new IOException("BomGenerator: " + pom + " has no <" + tag + ">");
        return value;
    }

    private static String property(Element project, String name) {
        Element properties = element(project, "properties");
        return properties == null ? null : child(properties, name);
    }
}
