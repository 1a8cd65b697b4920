fn main() {
    workbook_trace::init_terminal();
    chapter_02::run_scenario();
}
