fn main() {
    workbook_trace::init_terminal();
    chapter_07::run_scenario();
}
