package dev.tcplab.scenario;

import io.swagger.v3.oas.annotations.media.Schema;

/** A text in English and Korean. */
@Schema(description = "Text in English and Korean",
		example = "{\"en\":\"The client calls close()\",\"ko\":\"클라이언트가 close()를 호출합니다\"}")
public record Text(String en, String ko) {

	public static Text of(String en, String ko) {
		return new Text(en, ko);
	}
}
