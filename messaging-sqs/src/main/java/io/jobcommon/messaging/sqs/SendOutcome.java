package io.jobcommon.messaging.sqs;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Locale;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Tells a send that certainly did not store the message from one that may have. Only failures that
 * prove the request never reached SQS, or that SQS answered with a refusal, count as "not sent":
 * the connection was refused, the host did not resolve, no pooled connection was free, or SQS
 * answered 4xx. Anything else (a timeout, a connection reset or closed while the request was out, a
 * 5xx, anything unrecognised) may have stored the message. The AWS SDK retries: the request counts
 * as not sent only if every attempt failed in a "not sent" way (earlier attempts are known only by
 * the SDK's "Request attempt N failure" texts). Stateless.
 */
final class SendOutcome {
  private static final String[] NOT_SENT_TEXTS = {
    "connection refused",
    "unknownhostexception",
    "unable to resolve",
    "nodename nor servname",
    "name or service not known",
    "acquire operation took longer",
    "status code: 4"
  };

  private SendOutcome() {}

  /** Whether a send that failed with {@code error} may have stored the message anyway. */
  static boolean mayHaveBeenStored(Throwable error) {
    if (!certainlyNotSent(error)) {
      return true;
    }
    for (Throwable earlier : error.getSuppressed()) {
      String text = String.valueOf(earlier.getMessage()).toLowerCase(Locale.ROOT);
      if (text.startsWith("request attempt") && !mentionsNotSent(text)) {
        return true;
      }
    }
    return false;
  }

  private static boolean certainlyNotSent(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof AwsServiceException service) {
        int status = service.statusCode();
        return status >= 400 && status < 500; // SQS answered: it refused the message
      }
      if (t instanceof ConnectException || t instanceof UnknownHostException) {
        return true;
      }
      if (mentionsNotSent(String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT))
          && !(t instanceof java.io.IOException)) {
        return true; // the SDK's wording of a refused connection or an exhausted pool
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static boolean mentionsNotSent(String lowerCaseText) {
    for (String s : NOT_SENT_TEXTS) {
      if (lowerCaseText.contains(s)) {
        return true;
      }
    }
    return false;
  }
}
