package jpool.maven;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code <dependency>} and {@code <repository>} elements of a piece of a POM ({@code %%loadFromPOM}): a whole
 * POM, a {@code <dependencies>} block, or bare {@code <dependency>} elements one after another.
 */
public record PomFragment(List<Coordinates> dependencies, List<Repository> repositories) {
    /** Fails on the first error instead of also printing "[Fatal Error] ..." on the kernel's stderr (the default). */
    static final ErrorHandler QUIET = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXParseException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXParseException {
            throw e;
        }
    };

    /** Parses {@code xml}; throws {@link IllegalArgumentException} naming the first problem. */
    public static PomFragment parse(String xml) {
        // bare elements one after another are not a document; a wrapper makes every accepted shape one
        String body = xml.strip().replaceFirst("^<\\?xml[^>]*\\?>", "");
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(QUIET);
            doc = b.parse(new InputSource(new StringReader("<fragment>" + body + "</fragment>")));
        } catch (SAXException e) {
            throw new IllegalArgumentException("the POM fragment is not well-formed XML: " + e.getMessage());
        } catch (ParserConfigurationException | IOException e) {
            throw new IllegalStateException(e);
        }
        List<Coordinates> deps = new ArrayList<>();
        NodeList ds = doc.getElementsByTagName("dependency");
        for (int i = 0; i < ds.getLength(); i++) {
            Element d = (Element) ds.item(i);
            // dependencyManagement only pins versions; it does not ask for anything
            if (inside(d, "dependencyManagement") || inside(d, "exclusions")) continue;
            String g = text(d, "groupId"), a = text(d, "artifactId"), v = text(d, "version");
            if (g.isEmpty() || a.isEmpty() || v.isEmpty()) {
                throw new IllegalArgumentException("<dependency> #" + (deps.size() + 1) + " needs <groupId>, <artifactId> and <version>");
            }
            String scope = text(d, "scope");
            if (scope.equals("test") || scope.equals("provided") || scope.equals("system")) continue;
            List<String> excl = new ArrayList<>();
            NodeList es = d.getElementsByTagName("exclusion");
            for (int j = 0; j < es.getLength(); j++) {
                Element e = (Element) es.item(j);
                excl.add(text(e, "groupId") + ":" + text(e, "artifactId"));
            }
            String type = text(d, "type");
            deps.add(new Coordinates(g, a, type.isEmpty() ? "jar" : type, text(d, "classifier"), v, excl));
        }
        List<Repository> repos = new ArrayList<>();
        NodeList rs = doc.getElementsByTagName("repository");
        for (int i = 0; i < rs.getLength(); i++) {
            Element r = (Element) rs.item(i);
            repos.add(new Repository(text(r, "id"), text(r, "url")));
        }
        if (deps.isEmpty()) throw new IllegalArgumentException("the POM fragment has no <dependency> element");
        return new PomFragment(List.copyOf(deps), List.copyOf(repos));
    }

    private static boolean inside(Node n, String name) {
        for (Node p = n.getParentNode(); p != null; p = p.getParentNode()) if (name.equals(p.getNodeName())) return true;
        return false;
    }

    /** Text of the direct child {@code name} of {@code e}, or "" (nested elements of the same name do not count). */
    private static String text(Element e, String name) {
        for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element ce && ce.getTagName().equals(name)) return ce.getTextContent().strip();
        }
        return "";
    }
}
