package io.jobcommon.messaging.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import io.jobcommon.messaging.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/** Validating, applying and masking {@code amqp[s]://} URIs. Stateless. */
final class AmqpUri {
  static final String EXPECTED = "amqp[s]://user:pass@host:port/vhost";
  private static final int AMQPS_PORT = 5671;

  private AmqpUri() {}

  /**
   * {@code uri} with the password replaced by {@code ***}, also for malformed URIs: the text
   * between the first ':' of the user info and the last '@' before the path. Without {@code //} the
   * user info can't be told from a scheme, so everything from the first ':' is masked.
   */
  static String mask(String uri) {
    int authority = uri.indexOf("//");
    int start = authority >= 0 ? authority + 2 : 0;
    int pathStart = uri.indexOf('/', start);
    int end = pathStart < 0 ? uri.length() : pathStart;
    int at = uri.lastIndexOf('@', end - 1);
    if (at < start) {
      return uri;
    }
    int colon = uri.indexOf(':', start);
    if (colon < 0 || colon > at) {
      return uri;
    }
    return uri.substring(0, colon + 1) + "***" + uri.substring(at);
  }

  /**
   * Checks {@code uri} and applies it to {@code factory}: host, port, credentials, virtual host,
   * query parameters, and for {@code amqps} TLS with {@code sslContext} (the JVM's default trust
   * store when null) and host name verification. Unlike {@link ConnectionFactory#setUri(String)},
   * {@code amqps} never trusts every certificate.
   *
   * @param setting the setting's name for the error message, such as {@code RABBITMQ_URL}
   * @throws ConfigurationException naming {@code setting} and the masked URI
   */
  static void apply(
      ConnectionFactory factory, String uri, String setting, @Nullable SSLContext sslContext) {
    URI parsed = parse(uri, setting);
    boolean tls = parsed.getScheme().toLowerCase(Locale.ROOT).equals("amqps");
    try {
      // Applied as amqp: the client's own amqps handling would trust every certificate.
      String text = parsed.toString();
      factory.setUri("amqp" + text.substring(parsed.getScheme().length()));
    } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
      throw invalid(uri, setting, e.getClass().getSimpleName());
    }
    if (tls) {
      if (parsed.getPort() < 0) {
        factory.setPort(AMQPS_PORT);
      }
      try {
        factory.useSslProtocol(sslContext != null ? sslContext : SSLContext.getDefault());
      } catch (GeneralSecurityException e) {
        throw new ConfigurationException(
            setting,
            setting
                + " asks for TLS ('"
                + mask(uri)
                + "') but the JVM has no usable TLS context: "
                + e.getMessage());
      }
      factory.enableHostnameVerification();
    }
  }

  private static URI parse(String uri, String setting) {
    URI parsed;
    try {
      parsed = new URI(uri.trim());
    } catch (URISyntaxException e) {
      throw invalid(uri, setting, null);
    }
    String scheme = parsed.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("amqp") || scheme.equalsIgnoreCase("amqps"))
        || parsed.isOpaque()) {
      throw invalid(uri, setting, null);
    }
    if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
      throw invalid(uri, setting, "no host");
    }
    String path = parsed.getRawPath();
    if ("/".equals(path)) {
      throw invalid(
          uri,
          setting,
          "the virtual host is empty (the URI ends in '/'); leave the path out for the default"
              + " vhost '/', or name it (%2F for '/')");
    }
    if (path != null && path.length() > 1 && path.indexOf('/', 1) >= 0) {
      throw invalid(uri, setting, "the virtual host must be one path segment; encode '/' as %2F");
    }
    return parsed;
  }

  private static ConfigurationException invalid(
      String uri, String setting, @Nullable String detail) {
    return new ConfigurationException(
        setting,
        setting
            + " is not a valid amqp URI: '"
            + mask(uri)
            + "' (expected "
            + EXPECTED
            + (detail == null ? "" : "; " + detail)
            + ")");
  }

  /** How {@code factory} connects, password masked: {@code amqp://user:***@host:port/vhost}. */
  static String describe(ConnectionFactory factory) {
    String vhost = factory.getVirtualHost();
    return (factory.isSSL() ? "amqps" : "amqp")
        + "://"
        + factory.getUsername()
        + ":***@"
        + factory.getHost()
        + ":"
        + factory.getPort()
        + "/"
        + ("/".equals(vhost) ? "" : vhost);
  }
}
