package jpool.maven;

import org.eclipse.aether.repository.Authentication;
import org.eclipse.aether.repository.Proxy;
import org.eclipse.aether.util.repository.AuthenticationBuilder;
import org.eclipse.aether.util.repository.DefaultMirrorSelector;
import org.eclipse.aether.util.repository.DefaultProxySelector;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The parts of a Maven {@code settings.xml} that decide where artifacts come from: the local repository, offline
 * mode, mirrors and proxies. Read with the JDK's XML parser: Maven's settings builder would pull in a dependency
 * injection container for four elements.
 */
final class MavenSettings {
    final Path file;
    final Path localRepository;
    final boolean offline;
    final DefaultMirrorSelector mirrors = new DefaultMirrorSelector();
    final DefaultProxySelector proxies = new DefaultProxySelector();

    private MavenSettings(Path file, Path localRepository, boolean offline) {
        this.file = file;
        this.localRepository = localRepository;
        this.offline = offline;
    }

    /** The settings file in use: {@code $JPOOL_MAVEN_SETTINGS} when set (tests, shared machines), else ~/.m2/settings.xml. */
    static Path defaultFile() {
        String env = System.getenv("JPOOL_MAVEN_SETTINGS");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".m2", "settings.xml");
    }

    /** Reads {@code file}; a missing file means Maven's defaults. */
    static MavenSettings read(Path file) {
        Path defaultLocal = Path.of(System.getProperty("user.home"), ".m2", "repository");
        if (!Files.isRegularFile(file)) return new MavenSettings(file, defaultLocal, false);
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(PomFragment.QUIET);
            doc = b.parse(file.toFile());
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        Element root = doc.getDocumentElement();
        String local = expand(child(root, "localRepository"));
        MavenSettings s = new MavenSettings(file, local.isEmpty() ? defaultLocal : Path.of(local),
                child(root, "offline").equals("true"));
        NodeList ms = root.getElementsByTagName("mirror");
        for (int i = 0; i < ms.getLength(); i++) {
            Element m = (Element) ms.item(i);
            s.mirrors.add(child(m, "id"), child(m, "url"), "default", false, false, child(m, "mirrorOf"), "default");
        }
        NodeList ps = root.getElementsByTagName("proxy");
        for (int i = 0; i < ps.getLength(); i++) {
            Element p = (Element) ps.item(i);
            if (child(p, "active").equals("false")) continue;
            String protocol = child(p, "protocol").isEmpty() ? "http" : child(p, "protocol");
            int port = child(p, "port").isEmpty() ? 8080 : Integer.parseInt(child(p, "port"));
            Authentication auth = child(p, "username").isEmpty() ? null
                    : new AuthenticationBuilder().addUsername(child(p, "username")).addPassword(child(p, "password")).build();
            Proxy proxy = new Proxy(protocol, child(p, "host"), port, auth);
            s.proxies.add(proxy, child(p, "nonProxyHosts"));
            // Maven applies an http proxy to https repositories too when no https proxy is declared
            if (protocol.equals("http")) s.proxies.add(new Proxy("https", child(p, "host"), port, auth), child(p, "nonProxyHosts"));
        }
        return s;
    }

    private static String expand(String path) {
        return path.replace("${user.home}", System.getProperty("user.home"));
    }

    private static String child(Element e, String name) {
        for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element ce && ce.getTagName().equals(name)) return ce.getTextContent().strip();
        }
        return "";
    }
}
