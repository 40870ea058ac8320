package io.jobcommon.messaging.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.SqsException;

class SendOutcomeTest {

  private static SdkClientException client(String message, Throwable cause) {
    return SdkClientException.builder().message(message).cause(cause).build();
  }

  private static SqsException answered(int status) {
    return (SqsException) SqsException.builder().statusCode(status).message("status").build();
  }

  @Test
  void whatNeverReachedSqsOrWhatSqsRefusedWasNotSent() {
    assertThat(
            SendOutcome.mayHaveBeenStored(
                client(
                    "Unable to execute HTTP request: Connection refused",
                    new ConnectException("Connection refused"))))
        .isFalse();
    assertThat(
            SendOutcome.mayHaveBeenStored(
                client("Unable to execute HTTP request", new UnknownHostException("sqs.nowhere"))))
        .isFalse();
    assertThat(SendOutcome.mayHaveBeenStored(answered(400))).isFalse();
    assertThat(SendOutcome.mayHaveBeenStored(answered(403))).isFalse();
  }

  @Test
  void whatMayHaveReachedSqsHasAnUnknownOutcome() {
    assertThat(
            SendOutcome.mayHaveBeenStored(
                ApiCallAttemptTimeoutException.builder().message("did not complete").build()))
        .isTrue();
    assertThat(
            SendOutcome.mayHaveBeenStored(
                client("Unable to execute HTTP request", new IOException("Connection reset"))))
        .isTrue();
    assertThat(SendOutcome.mayHaveBeenStored(answered(500))).isTrue();
    assertThat(SendOutcome.mayHaveBeenStored(new IllegalStateException("anything else"))).isTrue();
  }

  @Test
  void aRefusedLastAttemptAfterATimedOutOneHasAnUnknownOutcome() {
    SdkClientException last =
        client(
            "Unable to execute HTTP request: Connection refused",
            new ConnectException("Connection refused"));
    last.addSuppressed(
        client("Request attempt 1 failure: Unable to execute HTTP request: Read timed out", null));
    assertThat(SendOutcome.mayHaveBeenStored(last)).isTrue();

    SdkClientException allRefused =
        client(
            "Unable to execute HTTP request: Connection refused",
            new ConnectException("Connection refused"));
    allRefused.addSuppressed(
        client(
            "Request attempt 1 failure: Unable to execute HTTP request: Connection refused", null));
    assertThat(SendOutcome.mayHaveBeenStored(allRefused)).isFalse();
  }
}
