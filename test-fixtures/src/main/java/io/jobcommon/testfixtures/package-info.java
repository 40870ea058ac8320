/**
 * Fixtures shared by the modules' tests; not published, not public API. Every module adds this
 * module in test scope instead of keeping its own copy.
 */
@NullMarked
package io.jobcommon.testfixtures;

import org.jspecify.annotations.NullMarked;
