package dev.cairn.persistence.adk;

import com.google.adk.models.BaseLlm;
import com.google.adk.models.BaseLlmConnection;
import com.google.adk.models.LlmRequest;
import com.google.adk.models.LlmResponse;
import com.google.genai.types.Content;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.Part;
import io.reactivex.rxjava3.core.Flowable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model with a script, no network: asked after a user message it calls the {@code weather} tool
 * for the city named last in the message; asked after the tool's answer it replies with that answer.
 * Each response reports usage: {@link #CALL_IN}/{@link #CALL_OUT} for a call, {@link #ANSWER_IN}/{@link #ANSWER_OUT}
 * for an answer.
 */
final class ScriptedLlm extends BaseLlm {
    static final String MODEL = "scripted-1";
    static final int CALL_IN = 40;
    static final int CALL_OUT = 6;
    static final int ANSWER_IN = 55;
    static final int ANSWER_OUT = 9;
    final AtomicInteger calls = new AtomicInteger();

    ScriptedLlm() {
        super(MODEL);
    }

    @Override
    public Flowable<LlmResponse> generateContent(LlmRequest request, boolean stream) {
        calls.incrementAndGet();
        List<Content> contents = request.contents();
        Part last = null;
        for (int i = contents.size() - 1; i >= 0 && last == null; i--) {
            for (Part p : contents.get(i).parts().orElse(List.of())) {
                if (p.functionResponse().isPresent() || (p.text().isPresent() && "user".equals(contents.get(i).role().orElse("")))) {
                    last = p;
                }
            }
        }
        if (last == null) {
            throw new IllegalStateException("the script expects a user message or a tool result: " + contents);
        }
        if (last.functionResponse().isPresent()) {
            Object forecast = last.functionResponse().get().response().orElseThrow().get("forecast");
            return Flowable.just(LlmResponse.builder()
                    .content(Content.builder().role("model").parts(Part.fromText("The forecast: " + forecast)).build())
                    .usageMetadata(usage(ANSWER_IN, ANSWER_OUT)).modelVersion(MODEL).build());
        }
        String text = last.text().orElseThrow();
        String city = text.substring(text.lastIndexOf(' ') + 1).replace("?", "");
        FunctionCall call = FunctionCall.builder().id("call-" + java.util.UUID.randomUUID()).name("weather").args(Map.of("city", city)).build();
        return Flowable.just(LlmResponse.builder()
                .content(Content.builder().role("model").parts(Part.builder().functionCall(call).build()).build())
                .usageMetadata(usage(CALL_IN, CALL_OUT)).modelVersion(MODEL).build());
    }

    @Override
    public BaseLlmConnection connect(LlmRequest request) {
        throw new UnsupportedOperationException("the scripted model has no live connection");
    }

    private static GenerateContentResponseUsageMetadata usage(int in, int out) {
        return GenerateContentResponseUsageMetadata.builder().promptTokenCount(in).candidatesTokenCount(out)
                .totalTokenCount(in + out).build();
    }
}
