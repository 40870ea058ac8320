package io.jobcommon.examples.spring;

import io.jobcommon.examples.spring.Messages.SbomUploaded;
import io.jobcommon.messaging.MessageClient;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The API: an upload is queued for the worker, in the request's trace. */
// snippet:start spring-controller
@RestController
class SbomController {
  private final MessageClient client;
  private final String queue;

  SbomController(MessageClient client, @Value("${example.queues.sbom}") String queue) {
    this.client = client;
    this.queue = queue;
  }

  @PostMapping("/sboms")
  @ResponseStatus(HttpStatus.ACCEPTED)
  Map<String, String> upload(@RequestBody SbomUploaded sbom) {
    String messageId = client.send(queue, sbom); // PRODUCER span, child of the request's span
    return Map.of("messageId", messageId);
  }
}
// snippet:end spring-controller
