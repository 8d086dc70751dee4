#pragma warning disable CA1861 // each row is built once, in the one test that reads it
using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Forgetting.Metrics;
using ModelGate.Forgetting.Metrics.Tasks;

namespace ModelGate.Forgetting.Tests.Metrics.Tasks;

/// <summary>
/// Each task format against the strings lm-evaluation-harness builds from the same rows (worked out from its source at
/// EleutherAI/lm-evaluation-harness 4e7e0d4, lm_eval/tasks/&lt;task&gt;/*.yaml and utils; the requests of
/// lm_eval/api/task.py's construct_requests: (context, target_delimiter " " + choice), or for winogrande's partial
/// evaluation (context per choice, " " + the shared target)). The expected strings are written out, not recomputed.
/// </summary>
public sealed class LmEvalTaskFormatsTests
{
    private static DatasetRow Row(object value, int number = 1) => new("rows.jsonl", number, JsonSerializer.SerializeToElement(value));

    /// <summary>What lm-eval scores per choice: (context, continuation with the target delimiter).</summary>
    private static (string, string)[] Requests(MultipleChoiceItem item) => [.. item.Requests.Select(r => (r.Context, " " + r.Continuation))];

    private static MultipleChoiceItem Item(string task, object row) => ((MultipleChoiceFormat)LmEvalTasks.Find(task)!).Item(Row(row));

    [Fact]
    public void HellaSwag_Rows_QueryChoicesAndGoldAsProcessDocsBuildsThem()
    {
        var plain = Item("hellaswag", new
        {
            activity_label = "Removing ice from car",
            ctx_a = "Then, the man writes over the snow covering the window of a car, and a woman wearing winter clothes smiles.",
            ctx_b = "then",
            endings = new[]
            {
                ", the man adds wax to the windshield and cuts it.",
                ", a person board a ski lift, while two men supporting the head of the person wearing winter clothes snow as the we girls sled.",
                ", the man puts on a christmas coat, knitted with netting.",
                ", the man continues removing the snow on his car.",
            },
            label = "3",
        });
        var wikiHow = Item("hellaswag", new
        {
            activity_label = "Personal Care and Style",
            ctx_a = "[header] How to dye your hair with kool aid [title] Wash your hair. [step] Washing your hair first removes oils.",
            ctx_b = "kool-aid WORKS best on clean, dry hair",
            endings = new[]
            {
                "[substeps] Use a mild shampoo.  Rinse well. ",
                " Skip the conditioner [title] Let your hair dry. [step] Damp hair takes the dye unevenly.",
                "Shave your head [title] Buy a wig.",
                " [title] Pick a flavor. [step] Cherry gives a bright red.",
            },
            label = "1",
        });

        const string query = "Removing ice from car: Then, the man writes over the snow covering the window of a car, and a woman wearing winter clothes smiles. Then";
        Assert.Equal(
        [
            (query, " , the man adds wax to the windshield and cuts it."),
            (query, " , a person board a ski lift, while two men supporting the head of the person wearing winter clothes snow as the we girls sled."),
            (query, " , the man puts on a christmas coat, knitted with netting."),
            (query, " , the man continues removing the snow on his car."),
        ], Requests(plain));
        Assert.Equal(3, plain.Label);
        // capitalize() lowers the rest ("WORKS"); [bracketed] WikiHow markers go, " [title]" becomes ". ", then one pass of "  " → " ".
        const string wikiQuery = "Personal Care and Style: How to dye your hair with kool aid. Wash your hair. Washing your hair first removes oils. Kool-aid works best on clean, dry hair";
        Assert.Equal(
        [
            (wikiQuery, "  Use a mild shampoo. Rinse well."),
            (wikiQuery, " Skip the conditioner. Let your hair dry. Damp hair takes the dye unevenly."),
            (wikiQuery, " Shave your head. Buy a wig."),
            (wikiQuery, "  Pick a flavor. Cherry gives a bright red."),
        ], Requests(wikiHow));
        Assert.Equal(1, wikiHow.Label);
    }

    [Fact]
    public void Arc_Rows_QuestionAnswerPromptChoicesTextAndAnswerKeyIndex()
    {
        var letters = Item("arc_easy", new
        {
            id = "Mercury_7175875",
            question = "An astronomer observes that a planet rotates faster after a meteorite impact. Which is the most likely effect of this increase in rotation?",
            choices = new { text = new[] { "Planetary density will decrease.", "Planetary years will become longer.", "Planetary days will become shorter.", "Planetary gravity will become stronger." }, label = new[] { "A", "B", "C", "D" } },
            answerKey = "C",
        });
        var digits = Item("arc_challenge", new
        {
            id = "NYSEDREGENTS_2015_8_16",
            question = "Which object is the best conductor of electricity?",
            choices = new { text = new[] { "wax crayon", "plastic spoon", "rubber eraser" }, label = new[] { "1", "2", "3" } },
            answerKey = "2",
        });

        const string astronomer = "Question: An astronomer observes that a planet rotates faster after a meteorite impact. Which is the most likely effect of this increase in rotation?\nAnswer:";
        Assert.Equal(
        [
            (astronomer, " Planetary density will decrease."), (astronomer, " Planetary years will become longer."),
            (astronomer, " Planetary days will become shorter."), (astronomer, " Planetary gravity will become stronger."),
        ], Requests(letters));
        Assert.Equal(2, letters.Label);
        const string conductor = "Question: Which object is the best conductor of electricity?\nAnswer:";
        Assert.Equal([(conductor, " wax crayon"), (conductor, " plastic spoon"), (conductor, " rubber eraser")], Requests(digits));
        Assert.Equal(1, digits.Label);
    }

    [Fact]
    public void Arc_AnswerKeyNotALabel_NamesFileRowAndLabels()
    {
        var arc = (MultipleChoiceFormat)LmEvalTasks.Find("arc_easy")!;
        var row = new DatasetRow("arc.parquet", 12, JsonSerializer.SerializeToElement(new
        {
            question = "q?",
            choices = new { text = new[] { "a", "b", "c", "d" }, label = new[] { "A", "B", "C", "D" } },
            answerKey = "E",
        }));

        Assert.Equal("arc.parquet: row 12: answerKey 'E' is not one of the labels A, B, C, D", Assert.Throws<UserInputException>(() => arc.Item(row)).Message);
    }

    [Fact]
    public void Piqa_Rows_GoalPromptAndTheTwoSolutions()
    {
        var item = Item("piqa", new { goal = "When boiling butter, when it's ready, you can", sol1 = "Pour it onto a plate", sol2 = "Pour it into a jar", label = 1 });

        const string context = "Question: When boiling butter, when it's ready, you can\nAnswer:";
        Assert.Equal([(context, " Pour it onto a plate"), (context, " Pour it into a jar")], Requests(item));
        Assert.Equal(1, item.Label);
    }

    [Fact]
    public void BoolQ_Rows_PassageQuestionPromptAndNoYes()
    {
        var item = Item("boolq", new
        {
            passage = "Ethanol fuel -- All biomass goes through at least some of these steps.",
            question = "does ethanol take more energy make that produces",
            label = 0,
        });

        const string context = "Ethanol fuel -- All biomass goes through at least some of these steps.\nQuestion: does ethanol take more energy make that produces?\nAnswer:";
        Assert.Equal([(context, " no"), (context, " yes")], Requests(item));
        Assert.Equal(0, item.Label);
    }

    [Fact]
    public void Winogrande_Rows_AContextPerOptionAndTheSharedStrippedContinuation()
    {
        var surgeon = Item("winogrande", new { sentence = "Sarah was a much better surgeon than Maria so _ always got the harder cases.", option1 = "Sarah", option2 = "Maria", answer = "1" });
        var trophy = Item("winogrande", new { sentence = "The trophy doesn't fit into the brown suitcase because the _ is too large. ", option1 = "trophy", option2 = "suitcase", answer = "2" });

        Assert.Equal(
        [
            ("Sarah was a much better surgeon than Maria so Sarah", " always got the harder cases."),
            ("Sarah was a much better surgeon than Maria so Maria", " always got the harder cases."),
        ], Requests(surgeon));
        Assert.Equal(0, surgeon.Label);
        Assert.Equal(
        [
            ("The trophy doesn't fit into the brown suitcase because the trophy", " is too large."),
            ("The trophy doesn't fit into the brown suitcase because the suitcase", " is too large."),
        ], Requests(trophy));
        Assert.Equal(1, trophy.Label);
        // acc_norm divides by the length of lm-eval's doc_to_choice, which for winogrande is the filled-in context.
        Assert.Equal(["Sarah was a much better surgeon than Maria so Sarah", "Sarah was a much better surgeon than Maria so Maria"], surgeon.Choices);
    }

    [Fact]
    public void LambadaOpenAi_Row_TextWithoutItsLastWordThenTheWord()
    {
        var item = LambadaOpenAi.Item(Row(new { text = "In my palm is a clear stone , and inside it is a small ivory statuette . But as I stare at Harlin , I do n't care about signs" }));

        Assert.Equal("In my palm is a clear stone , and inside it is a small ivory statuette . But as I stare at Harlin , I do n't care about", item.Context);
        Assert.Equal(" signs", " " + item.Word);
    }

    [Fact]
    public void Wikitext_Page_DetokenizedForScoringWordsAndBytesOfTheOriginal()
    {
        const string page = " = Valkyria Chronicles III = \n \n Senjō no Valkyria 3 : Unrecorded Chronicles ( Japanese : 戦場のヴァルキュリア3 , lit . Valkyria of the Battlefield 3 ) , " +
                            "commonly referred to as Valkyria Chronicles III outside Japan , is a tactical role @-@ playing video game developed by Sega and Media.Vision for the PlayStation Portable . " +
                            "Released in January 2011 in Japan , it is the third game in the Valkyria series . The game 's \" open \" battle system costs 1 @,@ 500 points at 2 @.@ 5 ° C , and the players ' squads [ Nameless ] win . \n";

        var (scored, counted) = Wikitext.Document(Row(new { page }));

        Assert.Equal(" = Valkyria Chronicles III =\n\nSenjō no Valkyria 3: Unrecorded Chronicles (Japanese: 戦場のヴァルキュリア3, lit. Valkyria of the Battlefield 3), " +
                     "commonly referred to as Valkyria Chronicles III outside Japan, is a tactical role-playing video game developed by Sega and Media.Vision for the PlayStation Portable. " +
                     "Released in January 2011 in Japan, it is the third game in the Valkyria series. The game's \"open\" battle system costs 1,500 points at 2.5°C, and the players' squads [Nameless] win.\n", scored);
        // process_results: len(re.split(r"\s+", page)) and len(page.encode("utf-8")) of the page as stored.
        Assert.Equal(103, ForgettingEvaluator.WordCount(counted));
        Assert.Equal(540, System.Text.Encoding.UTF8.GetByteCount(counted));
    }

    [Fact]
    public void Find_EveryIssueTask_HasItsHubDatasetAndSplit()
    {
        Assert.Equal(
        [
            "hellaswag Rowan/hellaswag - validation", "arc_easy allenai/ai2_arc ARC-Easy test", "arc_challenge allenai/ai2_arc ARC-Challenge test",
            "piqa baber/piqa - validation", "winogrande allenai/winogrande winogrande_xl validation", "boolq aps/super_glue boolq validation",
            "lambada_openai EleutherAI/lambada_openai default test", "wikitext EleutherAI/wikitext_document_level wikitext-2-raw-v1 test",
        ], LmEvalTasks.All.Select(t => $"{t.Name} {t.Dataset.Path} {t.Dataset.Config ?? "-"} {t.Dataset.Split}"));
    }
}
