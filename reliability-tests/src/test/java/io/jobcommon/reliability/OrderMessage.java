package io.jobcommon.reliability;

import java.util.List;

/**
 * The payload of the bad-input corpus. {@code mode} makes the handler misbehave on purpose (see
 * {@link OrderConsumer}). Fields may be null: the corpus sends what it likes.
 */
record OrderMessage(String orderId, int quantity, List<String> items, String mode) {}
