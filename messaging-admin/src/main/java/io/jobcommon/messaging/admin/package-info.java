/**
 * Dead letters you can act on: {@link io.jobcommon.messaging.admin.DeadLetterAdmin} lists
 * dead-letter queues, peeks into them, redrives dead letters to their original queue without loops
 * and purges them, on any transport; {@link io.jobcommon.messaging.admin.DeadLetterTool} is the
 * same as a command-line tool configured by the runtime's environment variables.
 */
@NullMarked
package io.jobcommon.messaging.admin;

import org.jspecify.annotations.NullMarked;
