package dev.tcplab.simulation;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Lifetimes of what nobody keeps (application.yaml, prefix {@code tcplab.ownership}; see
 * docs/decisions.md, "Issue 20").
 *
 * @param oneShotIdleTtl an unkept one-shot run (scenario, comparison, packetdrill run,
 * replay) nobody used or watched for this long leaves memory (journaled ones come back
 * from the journal when asked for)
 * @param maxReleaseGrace the longest {@code graceMs} of a deferred delete (a page that
 * was left)
 * @param listLimit most simulations {@code GET /api/simulations?mine=true} lists (newest
 * first)
 */
@ConfigurationProperties("tcplab.ownership")
public record OwnershipProperties(@DefaultValue("PT5M") Duration oneShotIdleTtl,
		@DefaultValue("PT60S") Duration maxReleaseGrace, @DefaultValue("200") int listLimit) {

	public OwnershipProperties {
		if (oneShotIdleTtl.isNegative() || oneShotIdleTtl.isZero() || maxReleaseGrace.isNegative() || listLimit < 1) {
			throw new IllegalArgumentException(
					"tcplab.ownership: one-shot-idle-ttl must be positive, max-release-grace not negative, list-limit positive");
		}
	}

}
