package dev.tcplab.simulation;

import dev.tcplab.simulation.SimulationService.ClockAction;
import dev.tcplab.simulation.SimulationService.ClockCommand;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/simulations/{id}/clock}. Settings ({@code clock},
 * {@code paused}, {@code speed}) are applied first; then at most one time action:
 * {@code advanceMs}, {@code runUntilIdle} (with {@code maxMs}) or {@code step}.
 */
@Schema(description = "Move or configure the virtual clock. Give settings (clock, paused, speed) and/or one action (advanceMs, runUntilIdle, step).",
		example = "{\"advanceMs\":250}")
record ClockRequest(
		@Schema(description = "Run every event due in the next N ms of virtual time",
				example = "250") @DecimalMin("0") Double advanceMs,
		@Schema(description = "Run until no event is pending (or maxMs passed)", example = "true") Boolean runUntilIdle,
		@Schema(description = "Limit for runUntilIdle in ms; default tcplab.max-advance-ms",
				example = "600000") @DecimalMin("0") Double maxMs,
		@Schema(description = "Run all events at the next pending time (one step)", example = "true") Boolean step,
		@Schema(description = "Pause or resume a realtime clock") Boolean paused,
		@Schema(description = "Realtime speed factor (" + LiveSimulation.MIN_SPEED + ".." + LiveSimulation.MAX_SPEED
				+ ")",
				example = "2.0") @DecimalMin(LiveSimulation.MIN_SPEED) @DecimalMax(LiveSimulation.MAX_SPEED) Double speed,
		@Schema(description = "Switch the clock mode", allowableValues = {
				"manual", "realtime" }) @Size(max = 16) String clock){

	ClockCommand toCommand(long maxAdvanceMs) {
		int actions = (advanceMs != null ? 1 : 0) + (Boolean.TRUE.equals(runUntilIdle) ? 1 : 0)
				+ (Boolean.TRUE.equals(step) ? 1 : 0);
		if (actions > 1) {
			throw new IllegalArgumentException("give at most one of advanceMs, runUntilIdle and step");
		}
		if (maxMs != null && !Boolean.TRUE.equals(runUntilIdle)) {
			throw new IllegalArgumentException("maxMs only goes with runUntilIdle:true");
		}
		if (actions == 0 && paused == null && speed == null && clock == null) {
			throw new IllegalArgumentException(
					"nothing to do: give advanceMs, runUntilIdle:true, step:true, paused, speed or clock");
		}
		ClockMode mode = clock == null ? null : ClockMode.parse(clock);
		if (advanceMs != null) {
			return new ClockCommand(mode, paused, speed, new ClockAction.Advance(advanceMs));
		}
		if (Boolean.TRUE.equals(runUntilIdle)) {
			return new ClockCommand(mode, paused, speed,
					new ClockAction.RunUntilIdle(maxMs == null ? maxAdvanceMs : maxMs));
		}
		if (Boolean.TRUE.equals(step)) {
			return new ClockCommand(mode, paused, speed, new ClockAction.Step());
		}
		return new ClockCommand(mode, paused, speed, null);
	}
}
