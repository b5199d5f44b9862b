package dev.tcplab.json;

import java.util.List;

import tools.jackson.databind.module.SimpleModule;

import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.TraceEvent;

import org.springframework.stereotype.Component;

/**
 * The one Jackson binding of the engine's vocabulary (issue 24, "one vocabulary"): pair
 * events ({@code {"type":"close","side":"client"}}, docs/api.md "Events") both ways, and
 * trace events with their {@code "type"}. The engine's records stay free of Jackson; this
 * module is what REST bodies and answers, the WebSocket stream (both through the
 * application's JsonMapper, where Spring Boot registers this bean), the journal and
 * scenario documents (YAML too) use.
 */
@Component
public class VocabularyModule extends SimpleModule {

	/** The {@code type} names of pair events, in the order docs/api.md lists them. */
	public static final List<String> EVENT_TYPES = PairEventJson.TYPES;

	/** The binding the API uses: the {@code type} names of docs/api.md only. */
	public VocabularyModule() {
		this(false);
	}

	private VocabularyModule(boolean journalV1) {
		super(journalV1 ? "tcplab-vocabulary-journal" : "tcplab-vocabulary");
		addSerializer(PairEvent.class, new PairEventJson.Writer());
		addDeserializer(PairEvent.class, new PairEventJson.Reader(journalV1));
		setMixInAnnotation(TraceEvent.class, TraceEventJsonMixin.class);
	}

	/**
	 * The binding the journal reads with: also the names its first format gave three
	 * events ({@code linger}, {@code reuseaddr}, {@code fault}), so rows written before
	 * the vocabulary was bound once still replay.
	 */
	public static VocabularyModule withJournalV1Names() {
		return new VocabularyModule(true);
	}

}
