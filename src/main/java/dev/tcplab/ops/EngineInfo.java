package dev.tcplab.ops;

import java.util.Map;

import dev.tcplab.engine.EngineVersion;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/info} "engine": the behaviour version every journal entry and export
 * names (docs/operations.md "Upgrades").
 */
@Component
class EngineInfo implements InfoContributor {

	@Override
	public void contribute(Info.Builder builder) {
		builder.withDetail("engine", Map.of("version", EngineVersion.BEHAVIOUR));
	}

}
